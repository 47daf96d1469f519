"""`make check-links`: URL collection, classification, concurrency and the report, all through httpx's
mock transport (no test touches the network)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from scripts import check_links
from scripts.check_links import LinkResult, check_urls, collect_urls, format_report

ROOT = Path(__file__).resolve().parents[3]

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


def client_for(handler: Handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    write(
        data / "services" / "core.yml",
        """
services:
  - id: samaritans
    web: https://www.samaritans.org
    sources: [https://www.samaritans.org, "https://example.org/about"]
    phone: "116 123"
    notes: Not a URL, though it mentions https://example.org/in-a-sentence in passing.
""",
    )
    write(
        data / "law" / "scotland.yml",
        """
offences:
  - id: s2
    sources:
      - https://www.legislation.gov.uk/asp/2016/22/section/2
      - "  https://www.samaritans.org  "
    last_reviewed: 2026-11-21
""",
    )
    write(
        data / "platforms" / "deep" / "nested" / "platforms.yaml",
        "platforms:\n  x: {report: 'http://example.net/report', name: X}\n",
    )
    write(data / "nlu" / "empty.yml", "")
    write(data / "README.md", "https://not-yaml.example.org\n")
    return data


# Collecting -------------------------------------------------------------------------------------------


def test_collects_every_url_once_with_the_files_naming_it(data_dir: Path) -> None:
    assert collect_urls(data_dir) == {
        "https://www.samaritans.org": {"data/services/core.yml", "data/law/scotland.yml"},
        "https://example.org/about": {"data/services/core.yml"},
        "https://www.legislation.gov.uk/asp/2016/22/section/2": {"data/law/scotland.yml"},
        "http://example.net/report": {"data/platforms/deep/nested/platforms.yaml"},
    }


def test_an_unreadable_yaml_file_is_named(tmp_path: Path) -> None:
    write(tmp_path / "data" / "bad.yml", "services: [unclosed\n")
    with pytest.raises(check_links.DataError, match="bad.yml"):
        collect_urls(tmp_path / "data")


def test_the_repository_data_has_urls_to_check() -> None:
    urls = collect_urls(ROOT / "data")
    assert len(urls) > 20
    assert all(url.startswith(("http://", "https://")) for url in urls)
    assert any(source.startswith("data/law/") for sources in urls.values() for source in sources)
    assert any(source.startswith("data/services/") for sources in urls.values() for source in sources)


# Checking ---------------------------------------------------------------------------------------------


def site(request: httpx.Request) -> httpx.Response:
    """A small web: /ok, /old (redirects twice to /new), /gone, /slow, /error, /head-refused, /loop."""
    path = request.url.path
    if path == "/ok" or path == "/new":
        return httpx.Response(200)
    if path == "/old":
        return httpx.Response(301, headers={"Location": "/older"})
    if path == "/older":
        return httpx.Response(302, headers={"Location": "https://example.org/new"})
    if path == "/gone":
        return httpx.Response(404)
    if path == "/error":
        return httpx.Response(503)
    if path == "/slow":
        raise httpx.ReadTimeout("timed out", request=request)
    if path == "/refused":
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
    if path == "/loop":
        return httpx.Response(302, headers={"Location": "/loop"})
    if path == "/head-refused":
        return httpx.Response(405 if request.method == "HEAD" else 200)
    raise AssertionError(f"unexpected {path}")


async def check(*paths: str) -> dict[str, LinkResult]:
    async with client_for(site) as client:
        results = await check_urls([f"https://example.org{path}" for path in paths], client, concurrency=4)
    return {result.url.removeprefix("https://example.org"): result for result in results}


async def test_classifies_ok_redirected_and_broken() -> None:
    results = await check("/ok", "/old", "/gone", "/error", "/slow", "/refused", "/loop")
    assert results["/ok"] == LinkResult("https://example.org/ok", "ok", code=200)
    assert results["/old"] == LinkResult(
        "https://example.org/old", "redirected", code=200, final_url="https://example.org/new"
    )
    assert (results["/gone"].status, results["/gone"].code, results["/gone"].reason) == ("broken", 404, "404 Not Found")
    assert (results["/error"].status, results["/error"].reason) == ("broken", "503 Service Unavailable")
    assert (results["/slow"].status, results["/slow"].code, results["/slow"].reason) == ("broken", None, "timed out")
    assert results["/refused"].status == "broken"
    assert results["/refused"].reason == "ConnectError: [Errno 111] Connection refused"
    assert (results["/loop"].status, results["/loop"].reason) == ("broken", "too many redirects")


@pytest.mark.parametrize("refusal", [403, 405, 501])
async def test_a_refused_head_falls_back_to_get(refusal: int) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(refusal if request.method == "HEAD" else 200, content=b"a page")

    async with client_for(handler) as client:
        [result] = await check_urls(["https://example.org/page"], client)
    assert seen == ["HEAD", "GET"]
    assert result.status == "ok"


async def test_a_get_that_also_fails_is_broken_with_its_status() -> None:
    async with client_for(lambda request: httpx.Response(405 if request.method == "HEAD" else 410)) as client:
        [result] = await check_urls(["https://example.org/page"], client)
    assert (result.status, result.code) == ("broken", 410)


async def test_a_head_that_works_is_not_repeated_as_get() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(404)

    async with client_for(handler) as client:
        await check_urls(["https://example.org/missing"], client)
    assert seen == ["HEAD"]


@pytest.mark.parametrize("limit", [1, 3, 8])
async def test_never_more_requests_in_flight_than_the_limit(limit: int) -> None:
    in_flight = 0
    most = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        # Half the URLs need the GET fallback: both requests stay inside the URL's slot.
        return httpx.Response(
            405 if request.method == "HEAD" and request.url.path.endswith(("0", "2", "4", "6", "8")) else 200
        )

    urls = [f"https://example.org/{n}" for n in range(25)]
    async with client_for(handler) as client:
        results = await check_urls(urls, client, concurrency=limit)
    assert most <= limit
    assert most == limit, "the checks run concurrently up to the limit"
    assert [result.url for result in results] == urls
    assert all(result.status == "ok" for result in results)


async def test_sources_travel_with_the_results() -> None:
    async with client_for(site) as client:
        [result] = await check_urls({"https://example.org/gone": {"data/b.yml", "data/a.yml"}}, client)
    assert result.sources == ("data/a.yml", "data/b.yml")


async def test_concurrency_must_be_positive() -> None:
    async with client_for(site) as client:
        with pytest.raises(ValueError):
            await check_urls(["https://example.org/ok"], client, concurrency=0)


# Reporting --------------------------------------------------------------------------------------------


def test_report_lists_broken_first_and_names_the_files() -> None:
    report = format_report(
        [
            LinkResult("https://a.example/fine", "ok", code=200, sources=("data/law/x.yml",)),
            LinkResult(
                "https://b.example/moved",
                "redirected",
                code=200,
                final_url="https://b.example/new",
                sources=("data/services/core.yml",),
            ),
            LinkResult(
                "https://c.example/gone",
                "broken",
                code=404,
                sources=("data/law/scotland.yml", "data/services/core.yml"),
            ),
            LinkResult("https://d.example/slow", "broken", error="timed out", sources=("data/services/directory.yml",)),
        ]
    )
    lines = report.splitlines()
    assert lines[0] == "Checked 4 URLs: 2 broken, 1 redirected, 1 OK."
    assert report.index("BROKEN (2)") < report.index("REDIRECTED (1)") < report.index("OK (1)")
    broken = report[report.index("BROKEN") : report.index("REDIRECTED")]
    assert (
        "https://c.example/gone\n      404 Not Found\n      in data/law/scotland.yml, data/services/core.yml" in broken
    )
    assert "https://d.example/slow\n      timed out\n      in data/services/directory.yml" in broken
    assert broken.index("c.example") < broken.index("d.example")
    assert "https://b.example/moved\n      -> https://b.example/new\n      in data/services/core.yml" in report
    assert "  https://a.example/fine" in report.splitlines()


def test_report_with_nothing_wrong_has_no_broken_section() -> None:
    report = format_report([LinkResult("https://a.example/", "ok", code=200)])
    assert report.splitlines()[0] == "Checked 1 URL: 0 broken, 0 redirected, 1 OK."
    assert "BROKEN" not in report and "REDIRECTED" not in report


# The command ------------------------------------------------------------------------------------------


def factory_for(handler: Handler, timeouts: list[float] | None = None) -> check_links.ClientFactory:
    def make(timeout: float) -> httpx.AsyncClient:
        if timeouts is not None:
            timeouts.append(timeout)
        return client_for(handler)

    return make


def test_exit_status_is_1_when_anything_is_broken(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404 if request.url.host == "example.net" else 200)

    assert check_links.main(["--data", str(data_dir)], client_factory=factory_for(handler)) == 1
    out = capsys.readouterr().out
    assert "1 broken, 0 redirected, 3 OK" in out
    assert "http://example.net/report\n      404 Not Found\n      in data/platforms/deep/nested/platforms.yaml" in out


def test_exit_status_is_0_when_all_are_ok_or_redirected(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "http":
            return httpx.Response(301, headers={"Location": "https://example.net/report"})
        return httpx.Response(200)

    timeouts: list[float] = []
    assert (
        check_links.main(
            ["--data", str(data_dir), "--concurrency", "2", "--timeout", "3.5"],
            client_factory=factory_for(handler, timeouts),
        )
        == 0
    )
    assert timeouts == [3.5]
    out = capsys.readouterr().out
    assert "0 broken, 1 redirected, 3 OK" in out
    assert "-> https://example.net/report" in out


def test_defaults_are_eight_at_a_time_and_ten_seconds(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    timeouts: list[float] = []
    check_links.main(
        ["--data", str(data_dir)], client_factory=factory_for(lambda request: httpx.Response(200), timeouts)
    )
    assert timeouts == [10.0]
    assert "4 URLs" in capsys.readouterr().out and check_links.DEFAULT_CONCURRENCY == 8


def test_exit_status_is_2_when_the_data_cannot_be_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path / "data" / "bad.yml", "a: [\n")
    assert (
        check_links.main(
            ["--data", str(tmp_path / "data")], client_factory=factory_for(lambda request: httpx.Response(200))
        )
        == 2
    )
    assert "bad.yml" in capsys.readouterr().err


@pytest.mark.parametrize("flag", [["--concurrency", "0"], ["--timeout", "-1"], ["--concurrency", "many"]])
def test_nonsense_flags_are_refused(flag: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        check_links.main(flag, client_factory=factory_for(lambda request: httpx.Response(200)))
    assert exit_.value.code == 2


async def test_the_default_client() -> None:
    async with check_links.make_client() as client:
        assert client.timeout == httpx.Timeout(10.0)
        assert "Reclaim" in client.headers["User-Agent"]
