"""A commit's `spaces/` tree, read one space at a time, or whole when a command needs many spaces.

Listing one space (`git ls-tree -r <commit> -- spaces/<name>/`) costs a few milliseconds however
big the repo is, so a command that names a space never lists the others. A command that reaches
many spaces (a glob, every link) lists `spaces/` once, recursively, instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from mtx_gitops.adapters.gitrepo import Git
from mtx_gitops.adapters.gittree import REGULAR_MODES, SplitRow, list_files_by_dir, list_tree
from mtx_gitops.core.model import CONFIG_FILE, META_DIR, SPACES_DIR
from mtx_gitops.core.slug import is_slug

_MANY = 24  # spaces above which one recursive listing of spaces/ beats a pathspec per space
_PARTIAL_LISTINGS = 8  # separate per-space listings after which the whole tree is listed instead
_PREFIX = f"{SPACES_DIR}/"
_LINKS = f"{META_DIR}/links/"
_LINKS_LEN = len(_LINKS)
_META = f"{META_DIR}/space.yaml"
_TARGETS = f"{META_DIR}/targets/"
_TARGETS_LEN = len(_TARGETS)
_UNIT_LINKS = f"{META_DIR}/unit-links/"
_UNIT_LINKS_LEN = len(_UNIT_LINKS)


@dataclass
class SpaceFiles:
    """One directory under spaces/ at a commit: its regular files, by role, and its symlinks."""

    files: dict[str, str] = field(default_factory=dict)  # path -> blob
    symlinks: list[str] = field(default_factory=list)  # and any other entry that is not a regular file
    executables: list[str] = field(default_factory=list)  # regular files of mode 100755
    units: dict[str, str] = field(default_factory=dict)  # unit -> blob, sorted by unit
    links: dict[str, str] = field(default_factory=dict)  # unit -> blob of its link file
    meta: str | None = None  # blob of .mtx/space.yaml
    unit_targets: dict[str, str] = field(default_factory=dict)  # unit -> blob of .mtx/targets/<unit>.yaml
    unit_links: dict[str, str] = field(default_factory=dict)  # link name -> blob of .mtx/unit-links/<name>.yaml

    @property
    def is_space(self) -> bool:
        """A directory is a space once it holds a unit or its metadata file."""
        return bool(self.units) or self.meta is not None


_ABSENT = SpaceFiles()


def _space_files(skip: int, rows: Iterable[SplitRow]) -> SpaceFiles:
    """Classify one directory's rows as `core.layout.role_of` does; `skip` is the length of its prefix."""
    found = SpaceFiles()
    files, units, links = found.files, {}, found.links
    for mode, _kind, blob, path, _dir in rows:
        if mode not in REGULAR_MODES:
            found.symlinks.append(path)
            continue
        files[path] = blob
        if mode == "100755":
            found.executables.append(path)
        rest = path[skip:]
        if rest[-5:] == ".yaml":
            if "/" not in rest:
                if is_slug(rest[:-5]):
                    units[rest[:-5]] = blob
            elif rest == _META:
                found.meta = blob
            elif rest[:_LINKS_LEN] == _LINKS and "/" not in rest[_LINKS_LEN:] and is_slug(rest[_LINKS_LEN:-5]):
                links[rest[_LINKS_LEN:-5]] = blob
            elif rest[:_TARGETS_LEN] == _TARGETS and is_slug(name := rest[_TARGETS_LEN:-5]):
                found.unit_targets[name] = blob
            elif rest[:_UNIT_LINKS_LEN] == _UNIT_LINKS and is_slug(name := rest[_UNIT_LINKS_LEN:-5]):
                found.unit_links[name] = blob
    found.units = dict(sorted(units.items()))
    return found


class TreeIndex:
    """The files of `spaces/` (and mtx.yaml) at one commit, listed lazily; None is the empty tree."""

    def __init__(self, git: Git, commit: str | None) -> None:
        self._git = git
        self._commit = commit
        self._spaces: dict[str, SpaceFiles] = {}  # listed directories; absent names map to _ABSENT
        self._top: dict[str, str] = {}  # regular files outside space directories (mtx.yaml, spaces/.gitkeep)
        self._top_symlinks: set[str] = set()
        self._top_executables: set[str] = set()
        self._top_listed = commit is None  # every entry of _top is known (not only mtx.yaml)
        self._config_listed = commit is None
        self._whole = commit is None
        self._dirs: list[str] | None = [] if commit is None else None
        self._partial_listings = 0
        self._files: dict[str, str] | None = None

    # -- listing --------------------------------------------------------------------------

    def _list_files(self, paths: list[str]) -> list[SplitRow]:
        assert self._commit is not None
        return list_files_by_dir(self._git, self._commit, [CONFIG_FILE, *paths], under=SPACES_DIR)

    def _list_top(self) -> None:
        """spaces/ one level deep: the directory names, the files beside them, and mtx.yaml."""
        dirs = []
        assert self._commit is not None
        for mode, kind, blob, path in list_tree(self._git, self._commit, [CONFIG_FILE, _PREFIX], recursive=False):
            if kind == "tree" and path.startswith(_PREFIX):
                dirs.append(path[len(_PREFIX) :])
            else:
                self._add_top(mode, blob, path)
        self._dirs = sorted(dirs)
        self._top_listed = self._config_listed = True

    def _add_top(self, mode: str, blob: str, path: str) -> None:
        if mode in REGULAR_MODES:
            self._top[path] = blob
            if mode == "100755":
                self._top_executables.add(path)
        else:
            self._top_symlinks.add(path)

    def _absorb(self, rows: list[SplitRow]) -> None:
        """File listed rows under their space directory (or at the top)."""
        groups: dict[str, list[SplitRow]] = {}
        for name, group in groupby(rows, itemgetter(4)):  # a directory's rows are adjacent
            if name:
                groups.setdefault(name, []).extend(group)
            else:
                for mode, _kind, blob, path, _dir in group:
                    self._add_top(mode, blob, path)
        for name, found in groups.items():
            self._spaces[name] = _space_files(len(_PREFIX) + len(name) + 1, found)
        self._config_listed = True

    def load(self, names: Iterable[str]) -> None:
        """List the directories `names` under spaces/ (in one git call), unless listed already."""
        todo = [name for name in dict.fromkeys(names) if name not in self._spaces]
        if self._whole or not todo:
            return
        self._partial_listings += 1
        if len(todo) > _MANY or self._partial_listings > _PARTIAL_LISTINGS or not all(map(is_slug, todo)):
            self.load_all()
            return
        self._absorb(self._list_files([f"{_PREFIX}{name}/" for name in todo]))
        for name in todo:
            self._spaces.setdefault(name, _ABSENT)

    def load_all(self) -> None:
        """List the whole of spaces/ recursively, once."""
        if self._whole:
            return
        rows = self._list_files([SPACES_DIR])
        self._spaces, self._top, self._top_symlinks, self._top_executables = {}, {}, set(), set()
        self._absorb(rows)
        self._whole = self._top_listed = True
        self._dirs = sorted(self._spaces)

    # -- reading ---------------------------------------------------------------------------

    def space(self, name: str) -> SpaceFiles:
        """The files of directory spaces/<name> (empty when there is none)."""
        if name not in self._spaces:
            self.load([name])
        return self._spaces.get(name, _ABSENT)

    def dirs(self) -> list[str]:
        """The names of the directories under spaces/, sorted (spaces or not)."""
        if self._dirs is None:
            self._list_top()
        assert self._dirs is not None
        return self._dirs

    def space_names(self) -> list[str]:
        """Every space, sorted (lists the whole tree)."""
        self.load_all()
        return [name for name in sorted(self._spaces) if is_slug(name) and self._spaces[name].is_space]

    def listed_spaces(self) -> list[str]:
        """The spaces listed so far (every space, once the whole tree is listed)."""
        return [name for name, files in self._spaces.items() if files.is_space and is_slug(name)]

    def blob(self, path: str) -> str | None:
        """The blob of a regular file under spaces/ or of mtx.yaml; None for anything else."""
        if path.startswith(_PREFIX):
            name, slash, _rest = path[len(_PREFIX) :].partition("/")
            if slash:
                return self.space(name).files.get(path)
        elif path != CONFIG_FILE:
            return None
        if not (self._top_listed or (path == CONFIG_FILE and self._config_listed)):
            self._list_top()
        return self._top.get(path)

    def files(self) -> dict[str, str]:
        """path -> blob of every regular file under spaces/ plus mtx.yaml (lists the whole tree)."""
        if self._files is None:
            self.load_all()
            self._files = dict(self._top)
            for space in self._spaces.values():
                self._files.update(space.files)
        return self._files

    def symlinks(self) -> frozenset[str]:
        """Every path under spaces/ (or mtx.yaml) that is not a regular file (lists the whole tree)."""
        self.load_all()
        return frozenset(self._top_symlinks.union(*(space.symlinks for space in self._spaces.values())))

    def executables(self) -> frozenset[str]:
        """Every regular file of mode 100755 (lists the whole tree)."""
        self.load_all()
        return frozenset(self._top_executables.union(*(space.executables for space in self._spaces.values())))
