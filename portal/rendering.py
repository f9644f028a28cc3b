"""Markdown to safe HTML: the only way authored text (article bodies typed or imported, policy texts) becomes markup.

Markdown lets authors write raw HTML, and imported feeds bring their own, so
every piece of HTML goes through one allow-list (nh3) before it is stored or shown.
"""

import html

import markdown
import nh3

ALLOWED_TAGS = {
    "div", "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "code", "pre", "ul", "ol", "li", "dl", "dt", "dd", "a", "abbr",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
# Images are left out on purpose: the CSP serves images from our origin only, and the
# cover image is the one picture an article carries.
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(fragment: str) -> str:
    """Keep only the allow-listed tags and attributes; links get rel="nofollow noopener noreferrer"."""
    return nh3.clean(
        fragment or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


def render_markdown(text: str) -> str:
    """Markdown (raw HTML allowed in it) rendered and then sanitised."""
    rendered = markdown.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    return sanitize_html(rendered)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (tags and script/style content dropped, entities decoded)."""
    return " ".join(html.unescape(nh3.clean(fragment or "", tags=set())).split())
