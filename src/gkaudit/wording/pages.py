"""A wording list run over a site's crawled pages: the hits, less the false alarms (核减)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gkaudit import corpus
from gkaudit.falsealarms import marked
from gkaudit.i18n import _
from gkaudit.model import Evidence, HtmlEvidence, Metric, Status, Verdict
from gkaudit.privacy.mask import scrub
from gkaudit.site.context import SiteContext
from gkaudit.site.pages import home_page, home_verdict
from gkaudit.wording.lexicon import Hit, load

#: Hits shown in evidence per page.
SHOWN = 10


@dataclass
class Scan:
    version: str
    pages: int = 0
    hits: list[tuple[str, Hit]] = field(default_factory=list)
    struck: list[Evidence] = field(default_factory=list)

    def evidence(self) -> list[Evidence]:
        shown: dict[str, int] = {}
        out: list[Evidence] = []
        for url, hit in self.hits:
            shown[url] = shown.get(url, 0) + 1
            if shown[url] <= SHOWN:
                out.append(
                    HtmlEvidence(
                        url=url,
                        text=_("“{wrong}” should be “{right}”: …{context}…").format(
                            wrong=hit.text, right=hit.right, context=scrub(hit.context)
                        ),
                    )
                )
        return [*out, *self.struck]

    def summary(self) -> str:
        by_form: dict[tuple[str, str], int] = {}
        for _url, hit in self.hits:
            by_form[(hit.text, hit.right)] = by_form.get((hit.text, hit.right), 0) + 1
        return _("; ").join(
            f"“{wrong}”→“{right}”" + (f" ×{n}" if n > 1 else "")
            for (wrong, right), n in by_form.items()
        )

    def metrics(self) -> dict[str, Metric]:
        return {
            "pages": self.pages,
            "hits": len(self.hits),
            "pages_with_hits": self.urls,
            "false_alarms": len(self.struck),
            "list_version": self.version,
        }

    @property
    def urls(self) -> int:
        return len({url for url, _hit in self.hits})


async def scan(site: SiteContext, list_name: str, max_pages: int) -> Scan:
    lexicon = load(list_name)
    result = Scan(lexicon.version)
    for page, text in await corpus.pages(site, max_pages):
        result.pages += 1
        for hit in lexicon.find(text.text):
            mark = marked(page.final_url, hit.text)
            if mark is None:
                result.hits.append((page.final_url, hit))
            else:
                result.struck.append(
                    HtmlEvidence(
                        url=page.final_url,
                        text=_("false alarm (核减): {text}: {reason}").format(
                            text=hit.text, reason=mark.reason
                        ),
                    )
                )
    return result


async def judge(
    site: SiteContext,
    list_name: str,
    max_pages: int,
    *,
    status: Status,
    looking_for: str,
    found: str,
    clean: str,
) -> Verdict:
    """The verdict of a wording rule: `status` with `found` (placeholders `count`, `forms`)
    when a listed form is on a page, a pass with `clean` (`pages`) when none is, `error` when
    the home page does not load (what is `looking_for` cannot be looked for)."""
    if await home_page(site) is None:
        return home_verdict(await site.home(), looking_for)
    result = await scan(site, list_name, max_pages)
    metrics = result.metrics()
    if result.hits:
        return Verdict(
            status=status,
            message=found.format(count=result.urls, forms=result.summary()),
            evidence=tuple(result.evidence()),
            metrics=metrics,
        )
    return Verdict.passed(clean.format(pages=result.pages), result.evidence(), **metrics)
