"""Writes: sweeps (live polls and back-fills) and TikTok Studio imports."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sharetui.domain.models import UNKNOWN, Account, SweepResult, VideoCounts, unknown_bits
from sharetui.store.connection import Connection

if TYPE_CHECKING:
    from sharetui.sources.studio import DayTotals, VideoTotals


@dataclass(slots=True)
class _Known:
    """What a sweep needs to know about a stored video while recording."""

    vid: int
    counts: tuple[int, int, int, int]
    gone: bool
    meta: VideoCounts | None  # the latest report of it in this write, if any
    seen_at: int | None
    unknown: int = 0  # counts not told yet (models.unknown_bits); no snapshot exists until this is 0


@dataclass(frozen=True)
class ImportResult:
    snapshots: int  # new snapshots written
    videos: int  # videos new to the cache
    partial: int  # new videos with some counts unknown: stored, those counts shown as unknown
    skipped: int  # rows that could not be placed (unknown counts older than the video's history)
    covered: int  # rows inside the time live polls already cover: live counts are finer, they stay


DAY = 86_400


class Writes(Connection):
    def delete_account(self, key: str) -> None:
        """Remove everything stored for one account (used for the simulated demo account only)."""
        with self._transaction() as db:
            db.execute("DELETE FROM snapshots WHERE vid IN (SELECT vid FROM videos WHERE account = ?)", (key,))
            db.execute("DELETE FROM videos WHERE account = ?", (key,))
            db.execute("DELETE FROM sweeps WHERE account = ?", (key,))
            db.execute("DELETE FROM accounts WHERE key = ?", (key,))

    @staticmethod
    def _upsert_account(db: sqlite3.Connection, account: Account, at: int) -> None:
        db.execute(
            """INSERT INTO accounts (key, source, display_name, username, followers, likes, video_count,
                                     updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (key) DO UPDATE SET source = excluded.source,
                   display_name = excluded.display_name, username = excluded.username,
                   followers = excluded.followers, likes = excluded.likes,
                   video_count = excluded.video_count, updated_at = excluded.updated_at""",
            (account.key, account.source, account.display_name, account.username, account.followers,
             account.likes, account.video_count, at),
        )

    def record_sweep(self, account: Account, at: int, videos: list[VideoCounts],
                     complete: bool = True) -> SweepResult:
        """Store one sweep in one transaction: upsert videos, snapshot the ones whose counts changed."""
        return self.record_history(account, [(at, videos)], complete=complete)[-1]

    def record_history(self, account: Account, sweeps: Iterable[tuple[int, list[VideoCounts]]],
                       complete: bool = True) -> list[SweepResult]:
        """Store many sweeps (oldest first) in one transaction; the demo backfill uses this.

        Snapshots and per-sweep totals are written for every sweep; the videos table only needs each
        video's final state, so it is written once at the end.
        """
        results: list[SweepResult] = []
        with self._transaction() as db:
            self._upsert_account(db, account, 0)
            known: dict[str, _Known] = {
                vid_id: _Known(vid, (v, li, c, s), gone is not None, None, None, unknown)
                for vid, vid_id, v, li, c, s, gone, unknown in db.execute(
                    "SELECT vid, id, views, likes, comments, shares, gone_at, unknown FROM videos WHERE account = ?",
                    (account.key,),
                )
            }
            gone_at: dict[int, int] = {}
            for at, videos in sweeps:
                results.append(self._apply_sweep(db, account.key, at, videos, complete, known, gone_at))
            updates = [(k.meta.title, k.meta.posted_at, k.meta.share_url, *k.counts, k.unknown, k.seen_at, k.vid)
                       for k in known.values() if k.meta is not None and k.seen_at is not None]
            db.executemany(
                """UPDATE videos SET title = ?, posted_at = ?, share_url = ?, views = ?, likes = ?,
                       comments = ?, shares = ?, unknown = ?, updated_at = ?, gone_at = NULL WHERE vid = ?""",
                updates,
            )
            still_gone = {k.vid for k in known.values() if k.gone}
            db.executemany("UPDATE videos SET gone_at = ? WHERE vid = ?",
                           [(at, vid) for vid, at in gone_at.items() if vid in still_gone])
            db.execute("UPDATE accounts SET updated_at = ? WHERE key = ?",
                       (results[-1].at if results else 0, account.key))
        return results

    def _apply_sweep(self, db: sqlite3.Connection, account_key: str, at: int, videos: list[VideoCounts],
                     complete: bool, known: dict[str, _Known], gone_at: dict[int, int]) -> SweepResult:
        new = changed = 0
        snapshot_rows: list[tuple[int, int, int, int, int, int]] = []
        seen: set[str] = set()
        append = snapshot_rows.append  # this loop runs once per video per sweep: keep it lean
        # A video repeated across pages counts once, as its last (freshest) copy.
        latest = {video.id: video for video in videos}
        for video_id, video in latest.items():
            seen.add(video_id)
            counts = (video.views, video.likes, video.comments, video.shares)
            entry = known.get(video_id)
            unknown = 0
            if UNKNOWN in counts:
                # Unknown is not zero: a count known before keeps its value; one never told stays unknown.
                base = entry.counts if entry is not None else (0, 0, 0, 0)
                unknown = unknown_bits(counts) & (entry.unknown if entry is not None else 15)
                counts = tuple(c if c != UNKNOWN else old for c, old in zip(counts, base, strict=True))  # type: ignore[assignment]
            if entry is None:
                cursor = db.execute(
                    """INSERT INTO videos (account, id, title, posted_at, share_url, views, likes, comments,
                                           shares, first_seen, updated_at, unknown)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (account_key, video.id, video.title, video.posted_at, video.share_url, *counts, at, at,
                     unknown),
                )
                entry = known[video.id] = _Known(int(cursor.lastrowid or 0), counts, False, video, at, unknown)
                new += 1
                if not unknown:  # a snapshot holds four known counts: none until then
                    append((entry.vid, at, *counts))
                continue
            if counts != entry.counts or unknown != entry.unknown:
                changed += counts != entry.counts
                if not unknown:
                    append((entry.vid, at, *counts))
                entry.counts = counts
                entry.unknown = unknown
            entry.meta = video
            entry.seen_at = at
            entry.gone = False
        if snapshot_rows:
            db.executemany(
                "INSERT OR REPLACE INTO snapshots (vid, at, views, likes, comments, shares) VALUES (?,?,?,?,?,?)",
                snapshot_rows,
            )
        gone = 0
        if complete:
            for vid_id, entry in known.items():
                if vid_id not in seen and not entry.gone:
                    entry.gone = True
                    gone_at[entry.vid] = at
                    gone += 1
        totals = [0, 0, 0, 0]  # the videos still listed: the sweep's summary
        every = [0, 0, 0, 0]  # every video ever seen, gone ones at their last count: the stored series
        listed = 0
        for entry in known.values():
            views, likes, comments, shares = entry.counts
            every[0] += views
            every[1] += likes
            every[2] += comments
            every[3] += shares
            if entry.gone:
                continue
            listed += 1
            totals[0] += views
            totals[1] += likes
            totals[2] += comments
            totals[3] += shares
        # The per-sweep series feeds the header's gains: a video that vanishes must not read as shares lost
        # (which would blank the other videos' gains in that bar), so it counts every video ever seen.
        db.execute(
            """INSERT OR REPLACE INTO sweeps (account, at, videos, changed, views, likes, comments, shares)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (account_key, at, listed, changed + new, *every),
        )
        return SweepResult(at=at, videos=listed, new=new, changed=changed, gone=gone,
                           totals=(totals[0], totals[1], totals[2], totals[3]))

    # -- TikTok Studio imports -------------------------------------------------------------------

    def import_days(self, account: Account, days: list[DayTotals]) -> int:
        """Store daily account totals (one transaction); returns how many rows were new or different."""
        changed = 0
        with self._transaction() as db:
            self._ensure_account(db, account)
            for item in days:
                row = (item.views, item.profile_views, item.likes, item.comments, item.shares)
                old = db.execute("SELECT views, profile_views, likes, comments, shares FROM daily_totals "
                                 "WHERE account = ? AND day = ?", (account.key, item.day.isoformat())).fetchone()
                if old != row:
                    db.execute("INSERT OR REPLACE INTO daily_totals VALUES (?, ?, ?, ?, ?, ?, ?)",
                               (account.key, item.day.isoformat(), *row))
                    changed += 1
        return changed

    def import_videos(self, account: Account, rows: list[VideoTotals]) -> ImportResult:
        """Store per-video totals as snapshots at their moment (one transaction), keeping series change-only.

        A missing count carries the video's previous value; a new video with missing counts is stored with
        those counts unknown. Where live polls of the account already cover a moment, the live counts stay
        (they are finer and newer); a title from a live poll is never replaced. Importing twice adds nothing.
        """
        added = new_videos = partial = skipped = covered = 0
        with self._transaction() as db:
            self._ensure_account(db, account)
            live_from = db.execute("SELECT MIN(at) FROM sweeps WHERE account = ?", (account.key,)).fetchone()[0]
            for item in sorted(rows, key=lambda r: r.at):
                reported = (item.views, item.likes, item.comments, item.shares)
                found = db.execute(
                    "SELECT vid, updated_at, unknown, views, likes, comments, shares, title FROM videos "
                    "WHERE account = ? AND id = ?", (account.key, item.video_id)).fetchone()
                if found is None:
                    unknown = unknown_bits(reported)
                    counts = tuple(0 if v is None else v for v in reported)
                    cursor = db.execute(
                        """INSERT INTO videos (account, id, title, posted_at, share_url, views, likes, comments,
                                               shares, first_seen, updated_at, unknown)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        (account.key, item.video_id, item.title, item.posted_at, item.link, *counts, item.at,
                         item.at, unknown))
                    new_videos += 1
                    if unknown:
                        partial += 1
                    else:
                        added += self._insert_snapshot(db, int(cursor.lastrowid or 0), item.at, counts)
                    continue
                vid, updated_at, stored_unknown, *stored_counts, stored_title = found
                stored = tuple(stored_counts)
                title = stored_title or item.title
                if live_from is not None and item.at >= live_from:
                    covered += 1  # live polls saw this moment: their counts stay
                    continue
                if stored_unknown:
                    # Known only in part so far (no snapshot yet): what this row tells fills the gaps.
                    if item.at < updated_at:
                        skipped += 1
                        continue
                    counts = tuple(v if v is not None else old for v, old in zip(reported, stored, strict=True))
                    unknown = stored_unknown & unknown_bits(reported)
                    if (counts, unknown) == (stored, stored_unknown):
                        continue  # nothing new: importing the same file twice changes nothing
                    db.execute("""UPDATE videos SET title = ?, views = ?, likes = ?, comments = ?, shares = ?,
                                  unknown = ?, updated_at = ? WHERE vid = ?""",
                               (title, *counts, unknown, item.at, vid))
                    if not unknown:
                        added += self._insert_snapshot(db, vid, item.at, counts)
                    continue
                previous = db.execute(
                    "SELECT views, likes, comments, shares FROM snapshots WHERE vid = ? AND at <= ? "
                    "ORDER BY at DESC LIMIT 1", (vid, item.at)).fetchone()
                if previous is None and None in reported:
                    skipped += 1  # before the video's history: nothing to carry a missing count from
                    continue
                counts = tuple(v if v is not None else previous[i] for i, v in enumerate(reported))
                following = db.execute(
                    "SELECT at, views, likes, comments, shares FROM snapshots WHERE vid = ? AND at > ? "
                    "ORDER BY at LIMIT 1", (vid, item.at)).fetchone()
                if counts == previous:
                    # Change-only: nothing to add, but the counts were seen unchanged on this row's day, which
                    # is a fact ("unchanged until then", not "unknown after the last change"). Days, not
                    # seconds: the same file imported again later confirms nothing new.
                    if item.at // DAY > updated_at // DAY:
                        db.execute("UPDATE videos SET updated_at = ? WHERE vid = ?", (item.at, vid))
                    continue
                if following is not None and counts == tuple(following[1:]):
                    # A file older than those imported already: the same counts were there earlier.
                    db.execute("UPDATE snapshots SET at = ? WHERE vid = ? AND at = ?", (item.at, vid, following[0]))
                    continue
                added += self._insert_snapshot(db, vid, item.at, counts)
                if item.at > updated_at:
                    db.execute("""UPDATE videos SET title = ?, views = ?, likes = ?, comments = ?, shares = ?,
                                  updated_at = ? WHERE vid = ?""", (title, *counts, item.at, vid))
        return ImportResult(added, new_videos, partial, skipped, covered)

    @staticmethod
    def _insert_snapshot(db: sqlite3.Connection, vid: int, at: int, counts: tuple) -> int:
        return db.execute("INSERT OR IGNORE INTO snapshots (vid, at, views, likes, comments, shares) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (vid, at, *counts)).rowcount

    @staticmethod
    def _ensure_account(db: sqlite3.Connection, account: Account) -> None:
        db.execute("INSERT OR IGNORE INTO accounts (key, source, display_name, username) VALUES (?, ?, ?, ?)",
                   (account.key, account.source, account.display_name, account.username))
