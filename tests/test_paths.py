"""Where things live: the same folders platformdirs gives, on every platform.

soreadvisor works out its folders itself (importing platformdirs cost 5-7 ms
of every run), so platformdirs, a test dependency only, is the oracle here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest
from platformdirs.macos import MacOS
from platformdirs.unix import Unix
from platformdirs.windows import Windows

from soreadvisor import paths

KINDS = ("config", "data", "cache")
XDG = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")


def oracle(cls: type[platformdirs.PlatformDirsABC], kind: str) -> Path:
    dirs = cls("soreadvisor", appauthor=False)
    return Path(getattr(dirs, f"user_{kind}_dir"))


@pytest.fixture
def user(tmp_path, monkeypatch) -> Path:
    """A user with a home, no SOREADVISOR_HOME and no XDG variables."""
    monkeypatch.delenv("SOREADVISOR_HOME")
    for var in XDG:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    return tmp_path / "me"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "xdg",
    ["unset", "absolute", "empty", "relative"],
)
def test_unix_folders_follow_xdg_as_platformdirs_does(user, monkeypatch, tmp_path, kind, xdg):
    monkeypatch.setattr(sys, "platform", "linux")
    values = {"absolute": str(tmp_path / "xdg"), "empty": "", "relative": "rel/dir"}
    if xdg != "unset":
        for var in XDG:
            monkeypatch.setenv(var, values[xdg])
    assert paths.platform_dir(kind) == oracle(Unix, kind)
    if xdg in ("unset", "empty", "relative"):  # the spec's defaults, under HOME
        assert paths.platform_dir(kind).is_relative_to(user)


@pytest.mark.parametrize("home", ["", "relative/home"])
def test_an_empty_or_relative_home_is_not_used(monkeypatch, home):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("SOREADVISOR_HOME")
    for var in XDG:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", home)
    for kind in KINDS:
        found = paths.platform_dir(kind)
        assert found.is_absolute()
        assert found == oracle(Unix, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_macos_folders_are_those_of_platformdirs(user, monkeypatch, kind):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert paths.platform_dir(kind) == oracle(MacOS, kind)
    assert "Library" in paths.platform_dir(kind).parts


@pytest.mark.parametrize("kind", KINDS)
def test_windows_folders_are_those_of_platformdirs(user, monkeypatch, kind):
    """Under %LOCALAPPDATA%. platformdirs asks Windows for that folder, which it
    cannot here; its override variable stands in for the answer."""
    local = "C:/Users/me/AppData/Local"
    monkeypatch.setenv("LOCALAPPDATA", local)
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", local)
    expected = oracle(Windows, kind)
    monkeypatch.setattr(sys, "platform", "win32")
    assert paths.platform_dir(kind) == expected


def test_soreadvisor_home_holds_everything(monkeypatch, tmp_path):
    monkeypatch.setenv("SOREADVISOR_HOME", str(tmp_path / "portable"))
    assert paths.config_dir() == paths.data_dir() == tmp_path / "portable"
    assert paths.cache_dir() == tmp_path / "portable" / "cache"


def test_without_soreadvisor_home_each_kind_has_its_platform_folder(user, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    assert paths.config_dir() == user / ".config" / "soreadvisor"
    assert paths.data_dir() == user / ".local" / "share" / "soreadvisor"
    assert paths.cache_dir() == user / ".cache" / "soreadvisor"


def test_without_any_home_the_error_says_what_to_set(monkeypatch):
    """No HOME and no account entry (a container's random user): one clear sentence."""
    import pwd

    from soreadvisor.errors import UserError

    def no_entry(uid):
        raise KeyError(uid)

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("SOREADVISOR_HOME")
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    with pytest.raises(UserError, match="SOREADVISOR_HOME"):
        paths.config_dir()
