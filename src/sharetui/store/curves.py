"""The reads behind the usual curves and the forecast: each video's counts at given ages since posting, the
catalogue's cross-section, and the account as the cache knew it at a past moment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sharetui.domain.models import UNKNOWN_BIT
from sharetui.store.connection import Connection

if TYPE_CHECKING:
    from sharetui.domain.forecast.bands import AgedVideo


class CurveReads(Connection):
    def age_samples(self, account_key: str, now: int, ages_hours: list[int]) -> dict[str, dict[int, list[int]]]:
        """For each metric (shares, views) and age: the cumulative values of every video known at that age.

        A video counts at an age only if it has reached it and a snapshot at or before that moment exists.
        """
        out: dict[str, dict[int, list[int]]] = {"shares": {}, "views": {}}
        seek = ("(SELECT s.{col} FROM snapshots s WHERE s.vid = v.vid AND s.at <= v.posted_at + ? "
                "ORDER BY s.at DESC LIMIT 1)")
        with self._reading():
            for age in ages_hours:
                offset = age * 3600
                rows = self._db.execute(
                    f"SELECT {seek.format(col='shares')}, {seek.format(col='views')} FROM videos v "
                    "WHERE v.account = ? AND v.posted_at + ? <= ? AND v.posted_at > 0",
                    (offset, offset, account_key, offset, now)).fetchall()
                out["shares"][age] = [r[0] for r in rows if r[0] is not None]
                out["views"][age] = [r[1] for r in rows if r[1] is not None]
        return out

    def catalogue(self, account_key: str, now: int) -> dict[str, list[tuple[float, int]]]:
        """The cross-section for shares and views: every listed video's latest known count with its age in
        hours when that count was confirmed (sharetui.domain.baseline uses it before history has accrued)."""
        out: dict[str, list[tuple[float, int]]] = {"shares": [], "views": []}
        with self._reading() as db:
            for posted_at, updated_at, shares, views, unknown in db.execute(
                    "SELECT posted_at, updated_at, shares, views, unknown FROM videos "
                    "WHERE account = ? AND gone_at IS NULL AND posted_at > 0 AND updated_at <= ?",
                    (account_key, now)):
                age = (updated_at - posted_at) / 3600
                if age <= 0:
                    continue
                if not unknown & UNKNOWN_BIT["shares"]:
                    out["shares"].append((age, shares))
                if not unknown & UNKNOWN_BIT["views"]:
                    out["views"].append((age, views))
        return out

    def aged_values(self, account_key: str, as_of: int, ages_hours: list[float]) -> list[AgedVideo]:
        """Each video of the account as the cache knew it at `as_of`: its shares then, and its shares at each
        age in `ages_hours` (hours since posting) where that moment is known. Nothing recorded after `as_of`
        is read, so an answer for a past moment never changes when later data arrives.

        A moment is known when it is no later than `as_of`, the video's history had begun by then (its first
        snapshot), and the video was still being observed (a later snapshot, a sweep of its account, or its
        counts confirmed unchanged by an import: "unchanged" is known, not unknown). A video first recorded
        within a day of its posting had 0 shares at posting; its counts in between are interpolated.
        A polled account is read with an index seek per (video, age): about 30 ms for 2,000 videos and 20
        ages. An account with no sweeps (imported daily totals, a point a day) is read whole and its values
        between two days interpolated, since a day-old point would misplace a young video's count."""
        from sharetui.domain.forecast.bands import AgedVideo  # forecasts only: never at start-up

        with self._reading():
            last_sweep = self._db.execute("SELECT MAX(at) FROM sweeps WHERE account = ? AND at <= ?",
                                          (account_key, as_of)).fetchone()[0]
            # One row per video, its history's bounds computed once (MATERIALIZED: not again per age below).
            base = """WITH v AS MATERIALIZED (
                SELECT vid, id, title, posted_at, gone_at,
                       (SELECT MIN(s.at) FROM snapshots s WHERE s.vid = videos.vid) AS first_at,
                       (SELECT MAX(s.at) FROM snapshots s WHERE s.vid = videos.vid AND s.at <= ?) AS last_at,
                       MIN(updated_at, ?) AS confirmed,
                       (SELECT s.shares FROM snapshots s WHERE s.vid = videos.vid ORDER BY s.at LIMIT 1) AS first_value
                FROM videos WHERE account = ? AND posted_at > 0)
                SELECT vid, id, title, posted_at, gone_at, first_at, last_at, confirmed, first_value"""
            if last_sweep is None:
                videos = self._db.execute(f"{base} FROM v", (as_of, as_of, account_key)).fetchall()
                points = self._db.execute(
                    "SELECT s.vid, s.at, s.shares FROM snapshots s JOIN videos v ON v.vid = s.vid "
                    "WHERE v.account = ? AND s.at <= ? ORDER BY s.vid, s.at", (account_key, as_of)).fetchall()
                return _daily_videos(videos, points, ages_hours)
            # A seek only where its answer can count: inside the video's history and no later than `as_of`
            # (an old video first seen long after posting costs one seek, not one per age).
            seek = ("CASE WHEN v.first_at <= v.posted_at + ? AND v.posted_at + ? <= ? THEN "
                    "(SELECT s.shares FROM snapshots s WHERE s.vid = v.vid AND s.at <= v.posted_at + ? "
                    "ORDER BY s.at DESC LIMIT 1) END")
            offsets = [round(age * 3600) for age in ages_hours]
            params: list[object] = [as_of, as_of, account_key, as_of]
            for offset in offsets:
                params += [offset, offset, as_of, offset]
            rows = self._db.execute(
                f"""{base}, (SELECT s.shares FROM snapshots s WHERE s.vid = v.vid AND s.at <= ?
                             ORDER BY s.at DESC LIMIT 1), {", ".join([seek] * len(offsets))}
                    FROM v""", params).fetchall()
        out = []
        for _vid, video_id, title, posted_at, gone_at, first_at, last_at, confirmed, first_value, shares, *at_ages \
                in rows:
            if first_at is None or first_at > as_of or shares is None or posted_at > as_of:
                continue  # unknown at as_of
            observed = max(last_at, confirmed)
            if not (gone_at is not None and gone_at <= last_sweep):
                observed = max(observed, last_sweep)
            zero_at_posting = first_at - posted_at <= POSTING_ZERO_WITHIN
            if not zero_at_posting and observed >= as_of:
                # (the query already left out what lies outside the history: most videos of a big account)
                out.append(AgedVideo(video_id, title, posted_at, shares, first_at, observed, at_ages))
                continue
            known: list[int | None] = []
            for offset, value in zip(offsets, at_ages, strict=True):
                moment = posted_at + offset
                if first_at <= moment <= observed:
                    known.append(value)
                elif zero_at_posting and moment < first_at:
                    known.append(_from_posting(posted_at, first_at, first_value, moment))
                else:
                    known.append(None)
            out.append(AgedVideo(video_id, title, posted_at, shares, first_at, observed, known))
        return out


POSTING_ZERO_WITHIN = 86_400  # a video first recorded within this of its posting: 0 shares at posting is known


def _from_posting(posted_at: int, first_at: int, first_value: int, moment: int) -> int:
    """A count between posting (0) and a first record soon after it, interpolated: the truth lies between."""
    if moment <= posted_at:
        return 0
    return round(first_value * (moment - posted_at) / (first_at - posted_at))


def _daily_videos(videos: list[tuple], points: list[tuple[int, int, int]], ages_hours: list[float]) -> list[AgedVideo]:
    """The videos of an account fed by daily imports: shares at each age interpolated between their points
    (sorted by video, then time), known up to the last import that listed each (an import repeating a count
    confirms it, a fact the change-only points alone do not hold); a video imported within a day of its
    posting starts from 0 at posting. Vectorised: one search over every point for every (video, age)."""
    import numpy as np  # (forecasts and backtests only: never at start-up)

    from sharetui.domain.forecast.bands import AgedVideo

    if not points or not videos:
        return []
    table = np.array(points, dtype=np.int64)
    keys = (table[:, 0] << 32) | table[:, 1]  # (video, time), sorted
    vid = np.array([row[0] for row in videos], dtype=np.int64)
    posted = np.array([row[3] for row in videos], dtype=np.int64)
    start, end = np.searchsorted(table[:, 0], vid, "left"), np.searchsorted(table[:, 0], vid, "right")
    listed = end > start
    start_c, last_c = np.minimum(start, len(table) - 1), np.maximum(end - 1, 0)
    first_at, last_at = table[start_c, 1], table[last_c, 1]
    first_value, newest = table[start_c, 2], table[last_c, 2]
    # `confirmed` is capped at `as_of`: confirmed later (by a later import) means unchanged through `as_of`.
    observed = np.maximum(last_at, np.array([row[7] for row in videos], dtype=np.int64))
    moments = posted[:, None] + np.round(np.asarray(ages_hours) * 3600).astype(np.int64)[None, :]
    at = np.searchsorted(keys, (vid[:, None] << 32) | np.clip(moments, 0, 2**32 - 1), "right") - 1
    at = np.clip(at, start_c[:, None], last_c[:, None])
    after = np.minimum(at + 1, last_c[:, None])
    t0, v0, t1, v1 = table[at, 1], table[at, 2], table[after, 1], table[after, 2]
    span = np.where(t1 > t0, t1 - t0, 1)
    values = np.where(t1 > t0, v0 + np.floor((v1 - v0) * (moments - t0) / span + 0.5), v0).astype(float)
    zero = ((first_at - posted > 0) & (first_at - posted <= POSTING_ZERO_WITHIN))[:, None]
    before = moments < first_at[:, None]
    from_zero = np.floor(first_value[:, None] * np.maximum(moments - posted[:, None], 0)
                         / np.maximum(first_at - posted, 1)[:, None] + 0.5)
    values = np.where(before & zero, from_zero, values)
    values[(before & ~zero) | (moments > observed[:, None])] = np.nan  # before its history, or after last seen
    out = []
    for k, row in enumerate(videos):
        if not listed[k] or row[3] > last_at[k]:
            continue
        known = [None if v != v else int(v) for v in values[k].tolist()]
        # "Now" for such an account is its newest data: the age is measured there, not at the wall clock.
        out.append(AgedVideo(row[1], row[2], row[3], int(newest[k]), int(first_at[k]), int(observed[k]), known))
    return out
