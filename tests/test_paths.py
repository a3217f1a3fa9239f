"""Where things live: each platform's convention, written out here.

soreadvisor works out its folders itself (importing platformdirs cost 5-7 ms
of every run). The conventions are spelled out in the tests; platformdirs, a
test dependency only, is a second opinion where all of its releases in our
range agree (its handling of relative XDG values and of HOME changed in 4.12).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs
import pytest
from platformdirs.macos import MacOS
from platformdirs.unix import Unix

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


UNIX_DEFAULTS = {"config": ".config", "data": ".local/share", "cache": ".cache"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("xdg", ["unset", "absolute", "empty", "relative"])
def test_unix_folders_follow_the_xdg_spec(user, monkeypatch, tmp_path, kind, xdg):
    """The spec: an absolute $XDG_*_HOME is used; unset, empty or relative (which
    the spec says to ignore), the default under HOME."""
    monkeypatch.setattr(sys, "platform", "linux")
    values = {"absolute": str(tmp_path / "xdg"), "empty": "", "relative": "rel/dir"}
    if xdg != "unset":
        for var in XDG:
            monkeypatch.setenv(var, values[xdg])
    base = tmp_path / "xdg" if xdg == "absolute" else user / UNIX_DEFAULTS[kind]
    assert paths.platform_dir(kind) == base / "soreadvisor"
    if xdg in ("unset", "absolute"):
        # where every platformdirs release in our range agrees (older ones keep
        # a relative value, against the spec)
        assert paths.platform_dir(kind) == oracle(Unix, kind)


@pytest.mark.parametrize("home", ["", "relative/home"])
def test_an_empty_or_relative_home_is_not_used(monkeypatch, home):
    """The account's home directory stands in, as it does for ``~`` in a shell."""
    import pwd

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("SOREADVISOR_HOME")
    for var in XDG:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", home)
    account = Path(pwd.getpwuid(os.getuid()).pw_dir)
    for kind in KINDS:
        assert paths.platform_dir(kind) == account / UNIX_DEFAULTS[kind] / "soreadvisor"


@pytest.mark.parametrize("kind", KINDS)
def test_macos_folders_are_those_of_platformdirs(user, monkeypatch, kind):
    monkeypatch.setattr(sys, "platform", "darwin")
    folder = "Caches" if kind == "cache" else "Application Support"
    assert paths.platform_dir(kind) == user / "Library" / folder / "soreadvisor"
    assert paths.platform_dir(kind) == oracle(MacOS, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_windows_folders_are_under_local_appdata(user, monkeypatch, kind):
    """Under %LOCALAPPDATA%, the cache in a Cache folder, as platformdirs has it
    (which asks Windows itself, so it cannot be the oracle on this machine)."""
    local = "C:/Users/me/AppData/Local"
    monkeypatch.setenv("LOCALAPPDATA", local)
    monkeypatch.setattr(sys, "platform", "win32")
    expected = Path(local, "soreadvisor", *(["Cache"] if kind == "cache" else []))
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
