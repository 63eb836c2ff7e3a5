"""A publish that carries the site's files of things over from the previous release gives
the bytes of a publish into a new folder; whatever the files are made from changing (the
part of the graph the site holds, the templates, the code, the files themselves) renders
them again. A test that expects the files carried checks that they were, so rendering
cannot pass for it."""

import pytest
from click.testing import CliRunner
from helpers import RELEASE, contents
from source_edits import EDITS

from pipeline.cli import main
from pipeline.release import records, site_reuse
from pipeline.web import graph_index

#: Below the real sources' 428 memberships and above their 323 municipalities: the
#: memberships are a large kind, counted and not held, as the funding decisions are at scale.
LIMIT = 400


def _publish(data_dir, out, *extra):
    result = CliRunner().invoke(main, ["publish", "--data", str(data_dir), "--out", str(out), "--release-date", RELEASE,
                                       *extra])
    assert result.exit_code == 0, result.output


def _same_trees(out, whole):
    mine, theirs = contents(out), contents(whole)
    assert sorted(mine) == sorted(theirs)
    assert [name for name in mine if mine[name] != theirs[name]] == []


@pytest.fixture
def carried(monkeypatch):
    """What each publish's Reuse.carry answered: True when it linked the previous files."""
    answers, real = [], site_reuse.Reuse.carry

    def spy(self, staging, names):
        done = real(self, staging, names)
        answers.append(done)
        return done

    monkeypatch.setattr(site_reuse.Reuse, "carry", spy)
    return answers


@pytest.fixture
def large_memberships(monkeypatch):
    monkeypatch.setattr(graph_index, "SITE_KIND_LIMIT", LIMIT)


@pytest.mark.parametrize("edit, kept", [("a source in memberships.csv", True), ("a name in organisations.csv", False),
                                        ("the catalogue's title in dataset.yaml", False)])
def test_a_publish_after_an_edit_gives_the_bytes_of_a_whole_publish(data_dir, tmp_path, carried, large_memberships,
                                                                     edit, kept):
    """An edit of the large kind leaves what the things' files are made from as it was: they
    are carried over. An edit of a kind the site holds, or of the settings, renders them."""
    out, whole = tmp_path / "out", tmp_path / "whole"
    _publish(data_dir, out)
    assert carried == [False]  # nothing to carry from
    EDITS[edit](data_dir)
    _publish(data_dir, out)
    assert carried[1:] == [kept]
    _publish(data_dir, whole)
    _same_trees(out, whole)


def test_a_file_changed_by_hand_renders_the_files(data_dir, tmp_path, carried, large_memberships):
    out, whole = tmp_path / "out", tmp_path / "whole"
    _publish(data_dir, out)
    _publish(data_dir, whole)
    page = out / "site" / "id" / "area" / "kuopio.html"
    page.write_bytes(page.read_bytes().replace(b"Kuopio", b"Kuopi0", 1))
    _publish(data_dir, out)
    assert carried == [False, False, False]
    _same_trees(out, whole)
    _publish(data_dir, out)  # the files now are the ones this release wrote
    assert carried[-1] is True
    _same_trees(out, whole)


def test_other_templates_or_code_render_the_files(data_dir, tmp_path, carried, large_memberships, monkeypatch):
    out, whole = tmp_path / "out", tmp_path / "whole"
    own = tmp_path / "templates"
    own.mkdir()
    (own / "footer.html").write_text("<p>Maakuntaliitto</p>\n", encoding="utf-8")
    _publish(data_dir, out)
    _publish(data_dir, out, "--templates", str(own))
    _publish(data_dir, whole, "--templates", str(own))
    assert carried == [False, False, False]
    _same_trees(out, whole)
    (own / "footer.html").write_text("<p>Maakuntaliitto, 2026</p>\n", encoding="utf-8")
    _publish(data_dir, out, "--templates", str(own))
    assert carried[-1] is False  # the same folder, another footer
    with monkeypatch.context() as m:
        m.setattr(records, "code_digest", lambda: "other code")
        _publish(data_dir, out, "--templates", str(own))
    assert carried[-1] is False
    _publish(data_dir, whole, "--templates", str(own))
    _same_trees(out, whole)


def test_no_site_before_renders_the_files(data_dir, tmp_path, carried, large_memberships):
    out, whole = tmp_path / "out", tmp_path / "whole"
    _publish(data_dir, out, "--no-site")
    _publish(data_dir, out)
    _publish(data_dir, whole)
    assert carried == [False, False]
    _same_trees(out, whole)


def test_another_folder_with_the_same_graph_keeps_its_own_record(data_dir, tmp_path, carried, large_memberships):
    """Records are kept per output folder: a publish of the same graph elsewhere (here without
    a site) does not take the place of this folder's."""
    out, other = tmp_path / "out", tmp_path / "other"
    _publish(data_dir, out)
    _publish(data_dir, other, "--no-site")
    _publish(data_dir, out)
    assert carried == [False, True]
