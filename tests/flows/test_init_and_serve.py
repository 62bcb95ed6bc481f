"""`leadsig init` writes a config that validates; `serve` builds deployments from the config's schedules."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadsig.config import load_config
from leadsig.errors import UserError
from leadsig.flows.serve import deployments, write_starter
from leadsig.roster import load_roster


def test_init_writes_valid_starter_files_and_never_overwrites(tmp_path: Path) -> None:
    written = write_starter(tmp_path / "site")
    assert {p.name for p in written} == {"leadsig.yaml", "people.yaml", "README.md"}
    cfg = load_config(tmp_path / "site" / "leadsig.yaml")
    assert cfg.sources[0].token_env == "GITHUB_TOKEN"
    assert load_roster(cfg.roster, known_teams=set(cfg.teams)).people[0].id == "alice"
    with pytest.raises(UserError, match="never overwrites"):
        write_starter(tmp_path / "site")


@pytest.mark.parametrize("link", ["leadsig.yaml", "people.yaml", "rules-local", "rules-local/README.md"])
def test_init_never_writes_through_a_dangling_symlink(tmp_path: Path, link: str) -> None:
    folder, outside = tmp_path / "here", tmp_path / "outside" / "target"
    outside.parent.mkdir()
    (folder / link).parent.mkdir(parents=True, exist_ok=True)
    (folder / link).symlink_to(outside)  # points nowhere (yet): exists() says False
    with pytest.raises(UserError) as caught:
        write_starter(folder)
    assert "symbolic link" in str(caught.value) and link.split("/")[0] in str(caught.value)
    assert not outside.exists()
    assert sorted(p.name for p in folder.rglob("*")) == sorted(Path(link).parts)  # nothing written


def test_deployments_follow_the_configured_schedule(tmp_path: Path) -> None:
    write_starter(tmp_path)
    cfg_path = tmp_path / "leadsig.yaml"
    cfg_path.write_text(cfg_path.read_text().replace('nightly: "0 2 * * *"', 'nightly: "30 3 * * *"')
                        .replace("timezone: UTC", "timezone: Europe/Berlin"))
    nightly, monthly = deployments(cfg_path)
    assert nightly.schedules[0].schedule.cron == "30 3 * * *"
    assert nightly.schedules[0].schedule.timezone == "Europe/Berlin"
    assert monthly.schedules[0].schedule.cron == "0 6 1 * *"
    assert nightly.parameters["config_path"] == str(cfg_path.resolve())


def test_simulator_config_validates_with_its_roster(tmp_path: Path) -> None:
    from leadsig.simulator import build_org
    from leadsig.simulator.roster import write_config

    org = build_org(3, "tiny")
    cfg_path, _ = write_config(org, "http://127.0.0.1:9", tmp_path / "leadsig.yaml")
    cfg = load_config(cfg_path)
    roster = load_roster(cfg.roster, known_teams=set(cfg.teams))
    assert {s.kind for s in cfg.sources} == {"github", "gitlab"}
    assert {p.id for p in roster.people} == {p.key for p in org.humans()}
    assert len({p.region for p in roster.people}) >= 2  # several regions, so reports can show the spread
