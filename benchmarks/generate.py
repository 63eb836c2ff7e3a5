"""Write a complete, valid KOKO source folder with N project-level funding decisions.

The real sources in data/ hold no funding decisions (none is in the sources); this folder
is for measuring. It copies data/ and adds, deterministically for a given N:
- one benchmark KOKO area per sub-region (70), each containing its sub-region;
- N decisions spread over all 320 municipalities and 70 sub-regions, two per project,
  years 2010-2013, amounts drawn from a fixed seed;
- organisations and contacts in proportion (one each per 100 decisions, at least one).
Every generated name says it is generated; nothing here describes a real KOKO project.

    python benchmarks/generate.py --rows 10000 --out /tmp/koko-10k
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(rows: int, out: Path, data: Path = ROOT / "data") -> Path:
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(data, out, ignore=shutil.ignore_patterns(".cache"))
    rng = random.Random(rows)
    ref = out / "reference" / "2013-01-01"
    municipalities = list(csv.DictReader((ref / "municipalities.csv").open(encoding="utf-8")))
    subregions = list(csv.DictReader((ref / "subregions.csv").open(encoding="utf-8")))
    by_subregion: dict = {}
    for m in municipalities:
        by_subregion.setdefault(m["subregion"], []).append(m["code"])

    with (out / "areas.yaml").open("a", encoding="utf-8") as fh:
        for sub in subregions:
            fh.write(f"  - key: bench-{sub['code']}\n    name:\n      fi: \"Generoitu KOKO-alue {sub['name_fi']}\"\n"
                     f"    programme: koko\n    subregions: [\"{sub['code']}\"]\n    source: programme-page\n")

    n_orgs = max(1, rows // 100)
    with (out / "organisations.csv").open("a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        for i in range(n_orgs):
            writer.writerow([f"bench-org-{i:06d}", "organisation", f"Generoitu organisaatio {i}", "", f"Generated organisation {i}", "", "programme-page"])
    with (out / "contacts.csv").open("a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        for i in range(n_orgs):
            writer.writerow([f"bench-contact-{i:06d}", f"Generoitu Yhteyshenkilö {i}", "Kehittäjä", f"bench-org-{i:06d}",
                             f"Testikatu {i % 97 + 1}", f"{70100 + i % 900:05d}", "Kuopio", f"017 {100000 + i:06d}",
                             f"yhteys{i}@example.org", "yes", "programme-page"])
    with (out / "decisions.csv").open("a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        for i in range(rows):
            sub = subregions[i % len(subregions)]["code"]
            muni = municipalities[i % len(municipalities)]
            on_municipality = i % 2 == 0
            area_sub = muni["subregion"] if on_municipality else sub
            writer.writerow([
                f"bench-{i:07d}", f"bench-project-{i // 2:07d}", f"Generoitu hanke {i // 2}", f"bench-{area_sub}",
                muni["code"] if on_municipality else "", "" if on_municipality else sub,
                2010 + rng.randrange(4), f"{rng.randrange(1000, 500000)}.{rng.randrange(100):02d}", "EUR",
                f"bench-org-{rng.randrange(n_orgs):06d}", "maakunnan-kehittamisraha", "programme-page",
            ])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True, help="number of funding decisions")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (replaced)")
    args = parser.parse_args()
    generate(args.rows, args.out)
    print(f"wrote {args.out} with {args.rows} funding decisions")


if __name__ == "__main__":
    main()
