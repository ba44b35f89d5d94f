"""`<environment_context>`'s time zone is the system zone's IANA name, as 0.169 writes it (it
reads /etc/localtime like the iana-time-zone crate: `Etc/UTC`, whatever TZ says), while the date
is the local one (TZ honoured). Checked against 0.169 on this machine: TZ=Etc/GMT+12 gave
`<timezone>Etc/UTC</timezone>` with the previous day's date."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from tests.exec.harness import run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage

from codex.core.prompt import system_zone_name


def test_zone_name_from_the_localtime_link(tmp_path: Path) -> None:
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/Europe/Berlin")
    assert system_zone_name(str(link), str(tmp_path / "none")) == "Europe/Berlin"
    mac = tmp_path / "mac"
    mac.symlink_to("/var/db/timezone/zoneinfo/America/New_York")
    assert system_zone_name(str(mac), str(tmp_path / "none")) == "America/New_York"


def test_zone_name_from_etc_timezone_when_no_link(tmp_path: Path) -> None:
    copied = tmp_path / "localtime"
    copied.write_bytes(b"TZif2")  # a copied zone file, not a link
    named = tmp_path / "timezone"
    named.write_text("Asia/Tokyo\n")
    assert system_zone_name(str(copied), str(named)) == "Asia/Tokyo"
    assert system_zone_name(str(copied), str(tmp_path / "missing")) == ""


@pytest.mark.skipif(not system_zone_name(), reason="this system names no IANA time zone")
def test_request_names_the_system_zone_whatever_tz_says(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    write_config(home, mock_model_server.base_url)
    mock_model_server.enqueue(Turn([Message("ok")], Usage(10, 0, 1)))
    env = {"TZ": "Etc/GMT+12"}  # UTC-12: its date may differ from the system zone's
    started = dt.datetime.now(dt.timezone(dt.timedelta(hours=-12))).date().isoformat()
    res = run_codex("exec", "--skip-git-repo-check", "hi", home=home, cwd=tmp_path, env=env)
    assert res.rc == 0, res.stderr
    text = json.dumps(mock_model_server.requests[-1].json)
    assert re.search(r"<timezone>(.*?)</timezone>", text).group(1) == system_zone_name()
    date = re.search(r"<current_date>(.*?)</current_date>", text).group(1)
    minus_12 = dt.timezone(dt.timedelta(hours=-12))
    # The local date under TZ (read again: the run may straddle that zone's midnight).
    assert date in (started, dt.datetime.now(minus_12).date().isoformat())
