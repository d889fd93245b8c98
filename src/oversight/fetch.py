"""``oversight fetch``: download one month's publication of a collection into the data directory.

Each publisher's page is found from the URL pattern of raw_formats.md (data, in :data:`PUBLICATIONS`), or, where
the publication says so, from the link on the publisher's index page whose text names the financial year (RTT:
"2024-25 RTT waiting times data"); the page's links (text and href) are matched against the collection's
file-name pattern or link-text pattern (RTT: "Full CSV data file Nov24 (ZIP, 4M)"); each file is downloaded with
retries, its SHA-256 is recorded in ``<data_dir>/<folder>/_fetch_manifest.jsonl`` (append-only), and the CSV
members of a ZIP are extracted next to it (the landing step reads CSV). A download is written to a temporary name and
renamed into place only once complete and, for a ZIP, once every member passes its CRC check, so a truncated
download never reaches the data directory.

Without network (this build machine), the command stops with a message naming the page it could not reach
and what to download by hand.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import tenacity

from oversight.errors import OversightError

__all__ = [
    "PUBLICATIONS",
    "FetchError",
    "FetchReport",
    "Link",
    "Publication",
    "discover_files",
    "discover_page",
    "fetch",
    "page_period",
    "parse_anchors",
    "parse_links",
    "publication_for",
]

MONTH_NAMES = tuple(name.lower() for name in calendar.month_name[1:])
FETCH_MANIFEST = "_fetch_manifest.jsonl"
USER_AGENT = "oversight-fetch/0.1 (+https://github.com/; open NHS Oversight Framework warehouse)"


class FetchError(OversightError):
    """A publication could not be fetched (offline, page changed, truncated file); nothing was written."""


@dataclass(frozen=True)
class Publication:
    """Where one collection's monthly files are published (raw_formats.md).

    ``collection`` is the collection's name in the landing registry (:mod:`oversight.collections`), the one name
    it has everywhere (landing, the dbt sources, the CLI); ``folder`` is its publisher folder, as in ``data/`` and
    ``models/staging``; ``also_lands`` names the other collections landed from the same files (a workbook whose
    tables are collections of their own), which ``oversight fetch`` accepts too.
    """

    collection: str
    folder: str
    #: Page listing the month's files; ``{month}`` (e.g. ``april``), ``{yyyy}``, ``{fy}`` (``2025-26``).
    page_url: str
    #: Regex on a link's file name (URL-decoded); ``{Mon}`` (``Apr``), ``{mon}`` (``apr``), ``{yyyy}``, ``{yy}``,
    #: ``{Month}`` (``April``).
    file_pattern: str
    #: Regex the page's title must match for the period (guards against a redirect to another month's page).
    title_pattern: str = ""
    notes: str = ""
    #: Regex on a link's text (whitespace collapsed), same placeholders as ``file_pattern``; a link matching
    #: either pattern is the month's file. E.g. RTT ``Full CSV data file Jun25 (ZIP, 4M)``.
    link_text_pattern: str = ""
    #: Index page listing the yearly pages, and the regex (placeholder ``{fy}``) on the text of the link to the
    #: period's page: followed when given (the yearly pages' addresses are not uniform), else ``page_url``.
    index_url: str = ""
    index_link_text: str = ""
    #: One file per month: several matching links (an original and a revision) resolve to the revised one.
    single_file: bool = False
    also_lands: tuple[str, ...] = ()

    @staticmethod
    def financial_year(year: int, month: int) -> str:
        fy_start = year if month >= 4 else year - 1
        return f"{fy_start}-{str(fy_start + 1)[-2:]}"

    def page_for(self, year: int, month: int) -> str:
        return self.page_url.format(month=MONTH_NAMES[month - 1], yyyy=year, fy=self.financial_year(year, month))

    def _month_pattern(self, pattern: str, year: int, month: int) -> re.Pattern[str]:
        name = MONTH_NAMES[month - 1]
        return re.compile(
            pattern.format(
                Mon=name[:3].capitalize(), mon=name[:3], Month=name.capitalize(), yyyy=year, yy=f"{year % 100:02d}"
            ),
            re.IGNORECASE,
        )

    def file_regex(self, year: int, month: int) -> re.Pattern[str]:
        return self._month_pattern(self.file_pattern, year, month)

    def link_text_regex(self, year: int, month: int) -> re.Pattern[str] | None:
        return self._month_pattern(self.link_text_pattern, year, month) if self.link_text_pattern else None

    def index_link_regex(self, year: int, month: int) -> re.Pattern[str] | None:
        if not self.index_link_text:
            return None
        return re.compile(self.index_link_text.format(fy=re.escape(self.financial_year(year, month))), re.IGNORECASE)

    def title_regex(self, year: int, month: int) -> re.Pattern[str] | None:
        if not self.title_pattern:
            return None
        return re.compile(self.title_pattern.format(Month=MONTH_NAMES[month - 1].capitalize(), yyyy=year))


_DIGITAL = "https://digital.nhs.uk/data-and-information/publications/statistical"
_ENGLAND = "https://www.england.nhs.uk/statistics/statistical-work-areas"

#: The publication URL patterns of raw_formats.md, per collection (data, not code).
PUBLICATIONS: dict[str, Publication] = {
    p.collection: p
    for p in (
        Publication(
            "mhsds_monthly",
            "mhsds",
            _DIGITAL + "/mental-health-services-monthly-statistics/performance-{month}-{yyyy}",
            r"MHSDS[ _%20]+Data.*{Mon}[ _-]?Perf.*{yyyy}.*\.(zip|csv)$",
            r"Mental Health Services Monthly Statistics, Performance {Month} {yyyy}",
            "raw_formats.md 6.1; main, out_of_area and 4-week-waits ZIPs",
        ),
        Publication(
            "csds_core",
            "csds",
            _DIGITAL + "/community-services-statistics-for-children-young-people-and-adults/{month}-{yyyy}",
            r"csds.*{mon}.*{yyyy}.*data.*\.zip$|csds-{mon}{yy}-exp-core-data\.csv$",
            r"Community Services Statistics, {Month} {yyyy}",
            "raw_formats.md 6.2; csds_data.zip holds csds-<mon><yy>-exp-core-data.csv",
        ),
        Publication(
            "nhse_ae_monthly",
            "nhse_ae",
            _ENGLAND + "/ae-waiting-times-and-activity/ae-attendances-and-emergency-admissions-{fy}/",
            r"{Month}-{yyyy}.*CSV.*\.csv$|Monthly-AE-{Month}-{yyyy}.*\.csv$",
            notes="raw_formats.md 1.1",
        ),
        Publication(
            "nhse_rtt_full_extract",
            "nhse_rtt",
            _ENGLAND + "/rtt-waiting-times/rtt-data-{fy}/",
            r"^Full-CSV-data-file-{Mon}{yy}-ZIP.*\.zip$",
            notes="raw_formats.md 2.1; the yearly page is the index's '<fy> RTT waiting times data' link",
            link_text_pattern=r"^Full CSV data file {Mon}{yy}\b.*\bZIP\b",
            index_url=_ENGLAND + "/rtt-waiting-times/",
            index_link_text=r"^{fy} RTT waiting times data$",
            single_file=True,
        ),
        Publication(
            "nhse_dm01_full_extract",
            "nhse_dm01",
            _ENGLAND
            + "/diagnostics-waiting-times-and-activity/monthly-diagnostics-waiting-times-and-activity/"
            + "monthly-diagnostics-data-{fy}/",
            r"DM01-{Month}-{yyyy}-full-extract.*\.zip$",
            notes="raw_formats.md 5.2",
        ),
        Publication(
            "nhse_ambsys",
            "nhse_ambsys",
            _ENGLAND + "/ambulance-quality-indicators/",
            r"AmbSYS-to-{Mon}-{yyyy}.*\.csv$",
            notes="raw_formats.md 4.1",
        ),
        Publication(
            "chs_waiting_list_total",
            "chs_waiting_lists",
            _ENGLAND + "/community-health-services-waiting-lists/",
            r"Community-health-services-waiting-lists-{fy}-{Month}.*\.xlsx$",
            notes="raw_formats.md 6.3",
            also_lands=("chs_waiting_list_52_104_weeks", "chs_waiting_list_over_104_weeks"),
        ),
        Publication(
            "nhs_sickness_absence",
            "nhs_sickness_absence",
            _DIGITAL + "/nhs-sickness-absence-rates",
            r"NHS Sickness Absence rates CSV, {Month} {yyyy}\.csv$",
            notes="raw_formats.md 7.1; the landing page links each month's publication",
        ),
    )
}

_ANCHOR = re.compile(
    r"""<a\b[^>]*?\bhref\s*=\s*(?P<q>["'])(?P<url>.*?)(?P=q)[^>]*>(?P<text>.*?)</a\s*>""", re.IGNORECASE | re.DOTALL
)
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?P<q>["'])(?P<url>.*?)(?P=q)""", re.IGNORECASE | re.DOTALL)
_TITLE = re.compile(r"<h1\b[^>]*>(?P<h1>.*?)</h1>|<title\b[^>]*>(?P<title>.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def parse_links(page: str, base_url: str) -> list[str]:
    """Absolute URLs of every ``<a href>`` on an HTML page, in page order, without duplicates."""
    seen: dict[str, None] = {}
    for match in _HREF.finditer(page):
        url = urllib.parse.urljoin(base_url, html.unescape(match.group("url")).strip())
        seen.setdefault(url, None)
    return list(seen)


@dataclass(frozen=True)
class Link:
    """A link as a page lists it: its text (tags removed, whitespace collapsed) and its absolute URL."""

    text: str
    url: str


def parse_anchors(page: str, base_url: str) -> list[Link]:
    """Every ``<a href>...</a>`` of an HTML page as (text, absolute URL), in page order, without duplicates."""
    seen: dict[Link, None] = {}
    for match in _ANCHOR.finditer(page):
        url = urllib.parse.urljoin(base_url, html.unescape(match.group("url")).strip())
        text = " ".join(html.unescape(_TAG.sub(" ", match.group("text"))).split())
        seen.setdefault(Link(text, url), None)
    return list(seen)


def discover_page(links: list[Link], publication: Publication, year: int, month: int) -> str | None:
    """The period's page from an index page's links (``index_link_text``), or None if no link names it."""
    pattern = publication.index_link_regex(year, month)
    if pattern is None:
        return None
    found = [link.url for link in links if pattern.search(link.text)]
    return found[0] if found else None


def discover_files(links: list[Link], publication: Publication, year: int, month: int) -> list[str]:
    """The URLs of the month's files among a page's links: file name or link text matches, in page order.

    For a ``single_file`` publication several matches (an original and a revision) resolve to the revised
    one ('revised' in the file name or the link text); two candidates neither of which is revised are an error.
    """
    by_name = publication.file_regex(year, month)
    by_text = publication.link_text_regex(year, month)
    matched: dict[str, str] = {}
    for link in links:
        if by_name.search(file_name_of(link.url)) or (by_text is not None and by_text.search(link.text)):
            matched.setdefault(link.url, link.text)
    urls = list(matched)
    if publication.single_file and len(urls) > 1:
        revised = [u for u in urls if "revised" in f"{file_name_of(u)} {matched[u]}".lower()]
        if len(revised) != 1:
            raise FetchError(
                f"{len(urls)} links for {MONTH_NAMES[month - 1].capitalize()} {year}, expected one "
                f"(or one marked revised): {', '.join(urls)}"
            )
        urls = revised
    return urls


def page_period(page: str, publication: Publication, year: int, month: int) -> bool:
    """Whether the page is the publication for (year, month): its heading or title names the period.

    Works on HTML (``<h1>`` / ``<title>``) and on a text extract of the page (any line).
    """
    pattern = publication.title_regex(year, month)
    if pattern is None:
        return True
    candidates = [_TAG.sub("", m.group("h1") or m.group("title") or "") for m in _TITLE.finditer(page)]
    candidates += page.splitlines()
    return any(pattern.search(" ".join(html.unescape(c).split())) for c in candidates)


def file_name_of(url: str) -> str:
    return urllib.parse.unquote(urllib.parse.urlparse(url).path.rsplit("/", 1)[-1])


Opener = Callable[[str, float], bytes]


def _urlopen(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return bytes(response.read())


@dataclass
class FetchReport:
    """What :func:`fetch` wrote."""

    page_url: str
    files: list[dict[str, object]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"fetch: {len(self.files)} file(s) from {self.page_url}"]
        lines += [f"  {f['path']}  sha256 {str(f['sha256'])[:16]}…  {f['bytes']} bytes" for f in self.files]
        return "\n".join(lines)


class _Transient(Exception):
    """An attempt worth repeating: no network, a time-out, HTTP 429 or 5xx (the cause is chained)."""


def _get_once(url: str, opener: Opener, timeout: float) -> bytes:
    try:
        return opener(url, timeout)
    except urllib.error.HTTPError as exc:
        if 400 <= exc.code < 500 and exc.code != 429:
            raise FetchError(f"{url}: HTTP {exc.code} {exc.reason} (not retried)") from exc
        raise _Transient(url) from exc
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise _Transient(url) from exc


def _get(
    url: str, opener: Opener, retries: int, backoff: float, timeout: float, sleep: Callable[[float], None]
) -> bytes:
    """``opener(url)`` with up to ``retries`` attempts, waiting ``backoff``, ``2 * backoff``, ``4 * backoff``, ...
    seconds between them (tenacity); a client error (HTTP 4xx other than 429) is not retried."""
    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max(retries, 1)),
        wait=tenacity.wait_exponential(multiplier=backoff),
        retry=tenacity.retry_if_exception_type(_Transient),
        sleep=sleep,
        reraise=True,
    )
    try:
        return retrying(_get_once, url, opener, timeout)
    except _Transient as exc:
        reason = getattr(exc.__cause__, "reason", exc.__cause__)
        raise FetchError(
            f"offline or unreachable: could not get {url} after {max(retries, 1)} attempt(s) ({reason}). "
            "Nothing was written. Download the files by hand from that page into the data directory "
            "(the landing step recognises them by the publisher's file names), or retry when the network allows."
        ) from exc.__cause__


def publication_for(collection: str) -> Publication:
    """The publication of ``collection`` (a landing registry name, its own or one of its ``also_lands``)."""
    for publication in PUBLICATIONS.values():
        if collection in (publication.collection, *publication.also_lands):
            return publication
    known = sorted(name for p in PUBLICATIONS.values() for name in (p.collection, *p.also_lands))
    raise FetchError(f"unknown collection {collection!r}; known: {', '.join(known)}")


def parse_period(period: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})-(\d{2})", period.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise FetchError(f"period {period!r}: expected YYYY-MM, e.g. 2025-06")
    return int(match.group(1)), int(match.group(2))


def fetch(
    collection: str,
    period: str,
    data_dir: Path,
    *,
    opener: Opener = _urlopen,
    retries: int = 3,
    backoff: float = 2.0,
    timeout: float = 60.0,
    sleep: Callable[[float], None] = time.sleep,
    now: datetime | None = None,
) -> FetchReport:
    """Download ``collection``'s files for ``period`` (``YYYY-MM``) into ``data_dir/<folder>/``."""
    publication = publication_for(collection)
    year, month = parse_period(period)
    page_url = publication.page_for(year, month)
    if publication.index_url:
        index = _get(publication.index_url, opener, retries, backoff, timeout, sleep).decode("utf-8", errors="replace")
        page_url = discover_page(parse_anchors(index, publication.index_url), publication, year, month) or page_url
    page = _get(page_url, opener, retries, backoff, timeout, sleep).decode("utf-8", errors="replace")
    if not page_period(page, publication, year, month):
        raise FetchError(f"{page_url}: the page does not name {MONTH_NAMES[month - 1].capitalize()} {year}")
    urls = discover_files(parse_anchors(page, page_url), publication, year, month)
    if not urls:
        patterns = (publication.file_regex(year, month), publication.link_text_regex(year, month))
        wanted = " or link text ".join(repr(p.pattern) for p in patterns if p)
        raise FetchError(f"{page_url}: no link matches {wanted}; has the publisher renamed its files?")

    folder = Path(data_dir) / publication.folder
    downloads: list[tuple[str, bytes]] = [(u, _get(u, opener, retries, backoff, timeout, sleep)) for u in urls]
    staged: list[tuple[Path, bytes, dict[str, object]]] = []
    fetched_at = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    for url, body in downloads:
        name = file_name_of(url)
        record: dict[str, object] = {
            "collection": collection,
            "period": period,
            "url": url,
            "file": name,
            "sha256": hashlib.sha256(body).hexdigest(),
            "bytes": len(body),
            "fetched_at": fetched_at,
        }
        if name.lower().endswith(".zip"):
            members = _csv_members(name, body)
            record["members"] = [
                {"file": m, "sha256": hashlib.sha256(b).hexdigest(), "bytes": len(b)} for m, b in members
            ]
            staged += [(folder / m, b, {**record, "file": m, "from_zip": name}) for m, b in members]
        else:
            staged.append((folder / name, body, record))

    report = FetchReport(page_url)
    folder.mkdir(parents=True, exist_ok=True)
    tmp_paths = []
    try:
        for target, body, _ in staged:
            tmp = target.with_name(f".{target.name}.part")
            tmp.write_bytes(body)
            tmp_paths.append((tmp, target))
        for tmp, target in tmp_paths:
            os.replace(tmp, target)
    finally:
        for tmp, _ in tmp_paths:
            if tmp.exists():
                tmp.unlink()
    with (folder / FETCH_MANIFEST).open("a", encoding="utf-8") as manifest:
        for target, body, record in staged:
            entry = {**record, "path": target.relative_to(data_dir).as_posix(), "bytes": len(body)}
            entry["sha256"] = hashlib.sha256(body).hexdigest()
            manifest.write(json.dumps(entry, ensure_ascii=False) + "\n")
            report.files.append(entry)
    return report


def _csv_members(name: str, body: bytes) -> list[tuple[str, bytes]]:
    """The CSV members of a ZIP, each CRC-checked; a truncated or corrupt ZIP is an error naming the file."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            bad = archive.testzip()
            if bad is not None:
                raise FetchError(f"{name}: member {bad!r} fails its CRC check (corrupt download)")
            members = [
                (Path(info.filename).name, archive.read(info))
                for info in archive.infolist()
                if not info.is_dir() and info.filename.lower().endswith(".csv")
            ]
    except (zipfile.BadZipFile, EOFError) as exc:
        raise FetchError(f"{name}: not a complete ZIP file ({exc}); truncated download? Nothing was written") from exc
    if not members:
        raise FetchError(f"{name}: the ZIP holds no CSV file")
    return members
