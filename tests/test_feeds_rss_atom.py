"""RSS and Atom trees → entries (digest.sources.feeds.rss_atom): what each format puts where."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape

from feedsamples import UTC, corpus, everything, parse


def test_rss2_fields():
    article = corpus("danmactough+node-feedparser/rss2sample.xml").articles[0]
    assert article.url == "http://liftoff.msfc.nasa.gov/news/2003/news-starcity.asp"
    assert article.published == dt.datetime(2003, 6, 3, 9, 39, 21, tzinfo=UTC)
    assert article.author == "Writer"  # "writer@example.com (Writer)"
    assert article.key == "url://liftoff.msfc.nasa.gov/2003/06/03.html"  # URL guid: scheme-free
    assert article.paragraphs[0].text.startswith("How do Americans get ready to work")


def test_atom_fields():
    article = corpus("feed-rs+feed-rs/atom/atom_example_1.xml").articles[0]
    assert article.url == "http://example.org/2005/04/02/atom"
    assert article.published == dt.datetime(2003, 12, 13, 12, 29, 29, tzinfo=UTC)  # -04:00
    assert article.author == "Mark Pilgrim"
    assert article.key == "id:tag:example.org,2003:3.2397"  # a tag: id is one everywhere


def test_atom_entry_document_is_one_entry():
    result = corpus("feed-rs+feed-rs/atom/atom_entry_1.xml")
    assert [a.title for a in result.articles] == ["Specifications"]


def test_atom_xhtml_content_with_a_prefixed_namespace():
    result = corpus("danmactough+node-feedparser/nondefaultnamespace-xhtml.atom")
    texts = [p.text for p in result.articles[0].paragraphs]
    assert texts[0] == "For information, see:"
    assert all("xhtml:" not in text for text in texts)


def test_youtube_media_description_is_the_content():
    article = corpus("kagisearch+fastfeedparser/89fda57f8a03fbb6").articles[0]
    assert article.title == "I Put a Rocket on SpinLaunch"
    assert article.url == "https://www.youtube.com/watch?v=hsm_f92NBp0"
    assert len(article.paragraphs) > 3


def test_feed_with_no_entries_is_fine():
    result = corpus("feedjira+feedjira@841d3b5/GoogleBlogSearchpauldix.xml")
    assert result.articles == () and result.skipped == 0


# --------------------------------------------------------------------------------------------
# Links: the feed URL, self links, xml:base, ids


def test_relative_links_resolve_against_the_feed_url_then_self_link():
    name = "danmactough+node-feedparser/rss-with-relative-urls-with-absolute-xmlurl.xml"
    by_self_link = corpus(name).articles[0].url
    assert by_self_link.startswith("http://www.arcgames.com/en/games/neverwinter/news/detail/")
    by_url = corpus(name, url="https://feeds.example.net/x/feed.xml").articles[0].url
    assert by_url.startswith("https://feeds.example.net/en/games/neverwinter/news/detail/")


def test_xml_base_is_honoured():
    result = corpus("danmactough+node-feedparser/rss-with-relative-html-urls.xml")
    assert result.articles[0].url == "https://example.com/posts/posts/post-1"


def test_a_relative_xml_base_above_a_link_applies_once():
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b'<item xml:base="posts/"><title>P</title><link>1.html</link></item></channel></rss>'
    )
    atom = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="blog/">'
        b"<title>T</title><id>urn:f</id><entry xml:base='posts/'><id>urn:e</id><title>P</title>"
        b'<link href="1.html"/></entry></feed>'
    )
    url = "https://example.com/feed/"
    assert parse(rss, url=url).articles[0].url == "https://example.com/feed/posts/1.html"
    assert parse(atom, url=url).articles[0].url == "https://example.com/feed/blog/posts/1.html"


def test_atom_id_that_is_a_url_serves_as_the_link():
    article = corpus("feed-rs+feed-rs/atom/atom_xml_base.xml").articles[0]
    assert article.url == "https://numi.st/post/2022/travel-uke"


def test_a_text_summary_holding_html_entities_reads_as_its_text():
    # An Atom summary said to be text but written with entities, once or twice escaped: the
    # digest showed "Atom&nbsp;?" and "Tom &amp; Jerry" to its reader, as titles no longer do
    feed = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>'
        b"<entry><id>urn:1</id><title>Feeds</title><updated>2026-11-20T08:00:00Z</updated>"
        b'<link href="https://example.org/1"/><summary type="text">Why RSS and Atom&amp;nbsp;?'
        b" Because Tom &amp;amp; Jerry read them&amp;#8230;</summary></entry></feed>"
    )
    (article,) = parse(feed).articles
    assert [p.text for p in article.paragraphs] == [
        "Why RSS and Atom ? Because Tom & Jerry read them\u2026"
    ]


def test_corpus_text_summaries_show_no_entities():
    result = corpus("kagisearch+fastfeedparser/2b665d9e4b6bb33a")
    texts = [p.text for a in result.articles for p in a.paragraphs]
    assert texts and not any("&nbsp;" in t or "&amp;" in t for t in texts)


def test_an_address_in_a_text_summary_keeps_its_query():
    # Decoding the entities of a text summary read HTML's old names without ";" too: the
    # address's "&section=news&region=eu&not=1" showed as "§ion=news®ion=eu¬=1"
    feed = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title>'
        b"<entry><id>urn:1</id><title>Rates&amp;nbsp;today &amp;amp;not=1</title>"
        b'<updated>2026-11-20T08:00:00Z</updated><link href="https://example.org/1"/>'
        b'<summary type="text">The tables&amp;nbsp;are at https://example.org/find?q=rates'
        b"&amp;section=news&amp;region=eu&amp;not=1 &amp;#8212; updated daily.</summary>"
        b"</entry></feed>"
    )
    (article,) = parse(feed).articles
    assert [p.text for p in article.paragraphs] == [
        "The tables are at https://example.org/find?q=rates&section=news&region=eu&not=1"
        " \u2014 updated daily."
    ]
    assert article.title == "Rates today &not=1"


def _google_news_item(title: str, publisher: str, coverage: list[tuple[str, str]]) -> str:
    links = "".join(
        f'<li><a href="https://news.google.com/rss/articles/CBMi{n}?oc=5" target="_blank">'
        f'{escape(headline)}</a>&nbsp;&nbsp;<font color="#6f6f6f">{outlet}</font></li>'
        for n, (headline, outlet) in enumerate(coverage)
    )
    return (
        f"<item><title>{escape(title)} - {publisher}</title>"
        "<link>https://news.google.com/rss/articles/CBMiAbc?oc=5</link>"
        '<guid isPermaLink="false">CBMiAbc</guid><pubDate>Mon, 07 Dec 2026 08:00:00 GMT</pubDate>'
        f"<description>{escape(f'<ol>{links}</ol>')}</description>"
        f'<source url="https://www.bbc.co.uk">{publisher}</source></item>'
    )


def test_an_item_naming_its_source_is_its_publishers_and_a_coverage_list_is_no_text():
    """Google News: each item names its publisher in RSS's <source>, and its description
    is only links to the coverage (this headline and other outlets' beside their names)."""
    headline = "Storm Bram forces closure of Severn crossings"
    feed = (
        '<rss version="2.0"><channel><title>Top stories - Google News</title>'
        + _google_news_item(
            headline,
            "BBC",
            [(headline, "BBC"), ("Storm Bram live: thousands without power", "The Guardian")],
        )
        + "</channel></rss>"
    ).encode()
    result = parse(feed)
    (article,) = result.articles
    assert article.source == "BBC"
    assert article.title == f"{headline} - BBC"  # as written: the digest's headline drops it
    assert list(article.paragraphs) == []
    assert "The Guardian" not in everything(result)


def test_an_item_naming_its_source_keeps_a_description_of_its_own():
    feed = (
        b'<rss version="2.0"><channel><title>Yahoo News</title><item><title>Rates held</title>'
        b"<link>https://news.example.org/rates</link><description>&lt;p&gt;The central bank "
        b'held rates at 2% on &lt;a href="https://news.example.org/thursday"&gt;Thursday&lt;/a&gt;'
        b", as expected.&lt;/p&gt;</description>"
        b'<source url="https://www.reuters.com/">Reuters</source></item></channel></rss>'
    )
    (article,) = parse(feed).articles
    assert article.source == "Reuters"
    assert [p.text for p in article.paragraphs] == [
        "The central bank held rates at 2% on Thursday, as expected."
    ]


def test_an_atom_entry_copied_from_another_feed_is_that_feeds():
    feed = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Planet Gardening</title>'
        b"<entry><id>urn:1</id><title>Lifting the dahlias</title>"
        b'<updated>2026-12-07T08:00:00Z</updated><link href="https://example.org/1"/>'
        b"<content>The first frost came last night.</content>"
        b"<source><id>urn:blog</id><title>Allotment Diaries</title></source></entry></feed>"
    )
    (article,) = parse(feed).articles
    assert article.source == "Allotment Diaries"


def test_an_item_whose_source_is_its_own_feed_is_the_feeds():
    # some feeds name their own channel in each item's <source>: the config's name for the
    # feed, or its own title, stays the one shown
    feed = (
        b'<rss version="2.0"><channel><title>Harbour Times</title><item><title>Rates held'
        b"</title><link>https://news.example.org/rates</link><description>The central bank "
        b"held rates.</description>"
        b'<source url="https://news.example.org/rss">Harbour  times</source></item>'
        b"</channel></rss>"
    )
    (article,) = parse(feed).articles
    assert article.source == parse(feed.replace(b"Harbour  times", b"")).articles[0].source


def test_an_entry_naming_no_source_is_the_feeds():
    (article,) = corpus("feed-rs+feed-rs/atom/atom_example_1.xml").articles
    assert article.source == "Test source"


def test_a_plain_text_descriptions_list_lines_stay_apart_and_its_wrapped_prose_is_joined():
    # A YouTube media:description is text with line breaks: its chapters and links were run
    # into one paragraph ("Chapters: 00:00 Intro 01:42 Why not just close it? ..."), which
    # the summary then quoted; an episode's hard-wrapped show notes are still one paragraph
    description = (
        "A year after the segregated lane opened on Leith Walk, I rode it at rush hour to see"
        " how it copes with delivery vans, buses and the school run.\n\n"
        "Chapters:\n00:00 Intro\n01:42 Why not just close it?\n04:10 The loading bays\n\n"
        "Merch: https://leithcycle.myshopify.com\nFollow me on Instagram @leith_cycle\n\n"
        "The council says cycling trips are up by a third, though the shop owners on the\n"
        "Walk say their takings fell in the first months and have not recovered since.\n"
        "#cycling #leith"
    )
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/">'
        "<title>Leith Cycle Diaries</title><entry><id>yt:video:abc123</id>"
        "<title>The Leith Walk cycle lane, one year on</title>"
        '<link rel="alternate" href="https://www.youtube.com/watch?v=abc123"/>'
        "<published>2026-03-02T08:00:00+00:00</published><media:group>"
        f"<media:description>{escape(description)}</media:description>"
        "</media:group></entry></feed>"
    ).encode()
    (article,) = parse(feed).articles
    assert [p.text for p in article.paragraphs] == [
        "A year after the segregated lane opened on Leith Walk, I rode it at rush hour to see"
        " how it copes with delivery vans, buses and the school run.",
        "Chapters:",
        "00:00 Intro",
        "01:42 Why not just close it?",
        "04:10 The loading bays",
        "Merch: https://leithcycle.myshopify.com",
        "Follow me on Instagram @leith_cycle",
        "The council says cycling trips are up by a third, though the shop owners on the"
        " Walk say their takings fell in the first months and have not recovered since.",
        "#cycling #leith",
    ]


# --------------------------------------------------------------------------------------------
# What a feed says of its site besides its title: its image's title, its own categories


def test_an_rss_channels_image_title_is_its_sites_name_and_its_categories_its_own():
    feed = (
        b'<rss version="2.0"><channel><title>Asia</title><link>https://www.economist.com/asia'
        b"</link><category>Asia</category><category> Asia </category><category>Regions"
        b"</category><image><url>https://www.economist.com/logo.png</url><title>The Economist"
        b"</title><link>https://www.economist.com/</link></image><item><title>Rice prices"
        b" climb</title><link>https://www.economist.com/asia/1</link><category>Trade"
        b"</category><description>Harvests fail.</description></item></channel></rss>"
    )
    result = parse(feed)
    assert result.title == "Asia"
    assert result.site_name == "The Economist"
    assert result.categories == ("Asia", "Regions")  # the channel's, each once; not its items'


def test_an_rss_1_image_stands_beside_its_channel():
    result = corpus("feed-rs+feed-rs/rss1/rss_1.0_biorxiv.xml")
    assert result.title == "bioRxiv Subject Collection: Genomics"
    assert result.site_name == "bioRxiv"


def test_an_atom_feeds_categories_are_its_own_and_it_names_no_site_apart():
    result = corpus("feed-rs+feed-rs/atom/atom_example_reddit.xml")
    assert result.categories == ("r/rust",)  # (its label, term="rust")
    assert result.site_name == ""
    plain = parse(b"<rss version='2.0'><channel><title>Quay Log</title></channel></rss>")
    assert (plain.site_name, plain.categories) == ("", ())


# --------------------------------------------------------------------------------------------
# Categories: an entry's tags, as its feed writes them


def test_an_items_categories_are_its_tags():
    feed = (
        b'<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T'
        b"</title><item><title>Mortgage rates ahead</title><link>https://example.org/1</link>"
        b"<category><![CDATA[Sponsored]]></category><category>Personal finance</category>"
        b"<category>  sponsored </category><category></category><dc:subject>Money</dc:subject>"
        b"<description>Five questions.</description></item></channel></rss>"
    )
    (article,) = parse(feed).articles
    assert article.tags == ("Sponsored", "Personal finance", "Money")  # each once, trimmed


def test_an_atom_entrys_category_is_its_label_else_its_term():
    feed = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><entry><id>urn:1</id>'
        b"<title>Telescopes</title><updated>2026-03-17T08:00:00Z</updated>"
        b'<category term="partner-content" label="Partner Content"/>'
        b'<category scheme="https://example.org/tags" term="astronomy"/>'
        b"<content>Saturn's rings.</content></entry></feed>"
    )
    (article,) = parse(feed).articles
    assert article.tags == ("Partner Content", "astronomy")


def test_daring_fireballs_sponsor_posts_say_so_in_their_titles():
    from digest.text.headlines import paid_title_label

    articles = corpus("Ranchero-Software+NetNewsWire/DaringFireball.atom").articles
    paid = [a.title for a in articles if paid_title_label(a.title)]
    assert paid == [
        "[Sponsor] Timing \u2014 Automatic Time Tracking for Mac",
        "[Sponsor] MNML: A macOS Writing App for Medium.com",
    ]
    assert len(articles) > 2 * len(paid)  # the rest are John Gruber's own posts
