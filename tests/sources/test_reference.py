"""The project's reference snapshot holds the same codes and names as Statistics Finland's 2013 key."""

import csv
import datetime as dt

import pytest
from helpers import DATA, shared_path

from pipeline.errors import InputError
from pipeline.sources.reference import load_reference


def test_snapshot_sizes():
    ref = load_reference(DATA, dt.date(2013, 1, 1))
    assert (len(ref.units["municipalities"]), len(ref.units["subregions"]), len(ref.units["regions"])) == (320, 70, 19)
    assert ref.units["municipalities"]["778"].parent == "115"
    assert ref.units["subregions"]["115"].names["fi"] == "Sisä-Savo"
    assert str(ref.suggest("municipalities", "279")).startswith("did you mean")


def test_snapshot_matches_the_shared_key():
    path = shared_path("reference", "fi_municipality_key_2013.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    ref = load_reference(DATA, dt.date(2013, 1, 1))
    for row in rows:
        unit = ref.units["municipalities"][row["kunta"].zfill(3)]
        assert unit.names == {"fi": row["municipality_name_fi"], "sv": row["municipality_name_sv"], "en": row["municipality_name_en"]}
        assert unit.parent == row["seutukunta_code"].zfill(3)
        sub = ref.units["subregions"][unit.parent]
        assert sub.names["fi"] == row["seutukunta_name_fi"] and sub.parent == row["maakunta_code"].zfill(2)
        assert ref.units["regions"][sub.parent].names["en"] == row["maakunta_name_en"]
    assert len(rows) == len(ref.units["municipalities"])


def test_missing_snapshot_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="fetch-reference"):
        load_reference(tmp_path, dt.date(2011, 1, 1))
