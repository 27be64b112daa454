"""HTML → paragraphs and HTML → text (digest.text.html)."""

from __future__ import annotations

import time

import pytest

from digest.model import Paragraph
from digest.text.html import html_to_paragraphs, html_to_text


def texts(html: str) -> list[str]:
    return [p.text for p in html_to_paragraphs(html)]


def test_blocks_become_paragraphs_and_inline_markup_does_not_split():
    html = (
        "<p>Hello <b>bold</b> and <a href='x'>linked</a> words.</p><div>Second <em>block</em></div>"
    )
    assert texts(html) == ["Hello bold and linked words.", "Second block"]


def test_headings_are_marked_as_headings():
    paragraphs = html_to_paragraphs(
        "<h1>Title</h1><p>Body.</p><h3 class='x'>Sub <i>head</i></h3><p>More.</p>"
    )
    assert paragraphs == [
        Paragraph("Title", "heading"),
        Paragraph("Body."),
        Paragraph("Sub head", "heading"),
        Paragraph("More."),
    ]


def test_list_items_are_paragraphs_even_without_end_tags():
    assert texts("<ul><li>one<li>two</li><li><p>three</p></ul>after") == [
        "\u2022 one",
        "\u2022 two",
        "\u2022 three",
        "after",
    ]


# A list's items open with their bullet, or their number in a numbered list, as the same list
# typed as plain text does: the summariser and the cleaning tell them for items.


def test_a_releases_notes_in_a_list_keep_their_bullets():
    html = (
        "<p>Version 3.2 of the tide-table app is out.</p>"
        "<ul><li>Fixed a crash when a port has no tide station</li>"
        "<li>Added <b>Welsh</b> place names.</li>"
        "<li><p>Faster start-up on older phones</p></li></ul>"
    )
    assert texts(html) == [
        "Version 3.2 of the tide-table app is out.",
        "\u2022 Fixed a crash when a port has no tide station",
        "\u2022 Added Welsh place names.",
        "\u2022 Faster start-up on older phones",
    ]


def test_a_key_points_box_at_the_top_of_a_story_keeps_its_bullets():
    html = (
        "<h2>Das Wichtigste in Kürze</h2><ul>"
        "<li>Die Fähre nach Helgoland fährt ab Montag wieder.</li>"
        "<li>Der Hafen war nach dem Sturm drei Wochen gesperrt.</li></ul>"
        "<p>Nach drei Wochen Pause nimmt die Fähre den Betrieb wieder auf.</p>"
    )
    assert html_to_paragraphs(html) == [
        Paragraph("Das Wichtigste in Kürze", "heading"),
        Paragraph("\u2022 Die Fähre nach Helgoland fährt ab Montag wieder."),
        Paragraph("\u2022 Der Hafen war nach dem Sturm drei Wochen gesperrt."),
        Paragraph("Nach drei Wochen Pause nimmt die Fähre den Betrieb wieder auf."),
    ]


def test_a_numbered_how_to_numbers_its_steps_and_each_list_counts_its_own():
    html = (
        "<ol><li>Precalienta el horno a 180 grados.</li>"
        "<li>Mezcla la harina con el azúcar"
        "<ol><li>primero la harina</li><li>después el azúcar</li></ol></li>"
        "<li>Hornea durante 40 minutos.</li></ol>"
        "<ol><li>Sirve el bizcocho frío.</li></ol>"
    )
    assert texts(html) == [
        "1. Precalienta el horno a 180 grados.",
        "2. Mezcla la harina con el azúcar",
        "1. primero la harina",
        "2. después el azúcar",
        "3. Hornea durante 40 minutos.",
        "1. Sirve el bizcocho frío.",
    ]


def test_a_list_numbers_as_its_attributes_say():
    # A list continued after a photo or an advert starts where it left off (<ol start>); a
    # countdown counts down (<ol reversed>, from its number of items unless it says); an item
    # may set its own number (<li value>), and those after it follow on.
    html = (
        "<ol><li>Soak the beans overnight.</li><li>Drain them.</li></ol>"
        "<figure><img src='beans.jpg' alt=''></figure>"
        '<ol start="3"><li>Simmer for an hour.</li><li>Season to taste.</li></ol>'
        "<h2>Our top three ports</h2>"
        "<ol reversed><li>Bergen</li><li>Cádiz<ol><li>old town</li><li>beach</li></ol></li>"
        "<li>Genoa</li></ol>"
        '<ol reversed start="10"><li>Tenth</li><li>Ninth</li></ol>'
        '<ol><li>First</li><li value="7">Seventh</li><li>Eighth</li></ol>'
        '<ol start="two"><li>Unreadable start</li></ol>'
        '<ol start=" 4th"><li>Read as browsers read it</li></ol>'
        '<ol start="\u0663"><li>Not an ASCII digit</li></ol>'
        f'<ol start="{"9" * 5000}"><li>Past any mark</li></ol>'
        '<ul><li value="5">A bullet stays a bullet</li></ul>'
        '<ol start="-1"><li>Minus one</li><li>Zero</li></ol>'
        '<ol start="999"><li>Last that fits</li><li>Past it</li></ol>'
    )
    assert texts(html) == [
        "1. Soak the beans overnight.",
        "2. Drain them.",
        "3. Simmer for an hour.",
        "4. Season to taste.",
        "Our top three ports",
        "3. Bergen",
        "2. Cádiz",
        "1. old town",
        "2. beach",
        "1. Genoa",
        "10. Tenth",
        "9. Ninth",
        "1. First",
        "7. Seventh",
        "8. Eighth",
        "1. Unreadable start",
        "4. Read as browsers read it",
        "1. Not an ASCII digit",
        "\u2022 Past any mark",
        "\u2022 A bullet stays a bullet",
        # (numbers a list's mark cannot hold: the item keeps a bullet, and is read as one)
        "\u2022 Minus one",
        "0. Zero",
        "999. Last that fits",
        "\u2022 Past it",
    ]


def test_a_continued_list_numbers_on_past_an_element_taken_out():
    # (the path that drops hidden elements and widgets keeps the tags' numbers too)
    html = (
        '<p>Step by step.</p><div style="display:none">Subscribe</div>'
        '<ol start="6"><li>Sand the hull.</li><li>Paint it.</li></ol>'
    )
    assert texts(html) == ["Step by step.", "6. Sand the hull.", "7. Paint it."]


def test_a_page_of_countdowns_by_the_thousand_is_read_fast():
    # Each list that counts down without a start counts its own items: once for them all,
    # not again from each list's tag on (a page of 86,000 took 25 seconds).
    html = "<ol reversed><li>x</ol>" * 86_000
    start = time.perf_counter()
    found = texts(html)
    assert time.perf_counter() - start < 10
    assert found == ["1. x"] * 86_000


def test_an_item_keeps_a_bullet_of_its_own_and_one_with_no_text_gets_none():
    html = (
        "<ul><li>- Fixed the tide table</li><li>2) Added a map</li>"
        "<li><ul><li>Nested first</li></ul></li>"
        "<li><h3>Harbour works</h3>The quay reopens.</li><li> </li></ul>"
    )
    assert html_to_paragraphs(html) == [
        Paragraph("- Fixed the tide table"),
        Paragraph("2) Added a map"),
        Paragraph("\u2022 Nested first"),
        Paragraph("Harbour works", "heading"),
        Paragraph("The quay reopens."),
    ]


def test_a_line_of_text_has_no_bullets():
    # a title or a name: one line, where a list's bullets have no place
    assert html_to_text("<ul><li>Harbour</li><li>Ferries</li></ul>") == "Harbour Ferries"


def test_one_br_is_a_line_break_inside_the_paragraph_and_two_end_it():
    # A <br> inside a sentence ("... and<br>subscribe.") must not cut the sentence in two.
    assert texts("first line<br>second line<br/>\n <br />third") == [
        "first line second line",
        "third",
    ]


def test_one_br_after_a_finished_sentence_ends_the_paragraph():
    # a feed's credit line after the text is not the last words of its last sentence
    assert texts("Doctors welcomed the ruling, the association said.<br/><i>Clinic Wire</i>") == [
        "Doctors welcomed the ruling, the association said.",
        "Clinic Wire",
    ]
    assert texts('He said: "We are done."<br>Then he left.') == [
        'He said: "We are done."',
        "Then he left.",
    ]
    # ... but a line wrapped inside a sentence is one paragraph
    assert texts("It opens at 9 a.m. on<br>weekdays and<br>\n holidays.") == [
        "It opens at 9 a.m. on weekdays and holidays."
    ]


def test_one_br_before_a_lists_bullet_ends_the_paragraph():
    # release notes written as lines of a list: each line its own item, not one run-on line
    notes = (
        "Changes:<br>- Fixed a race when two workers renew a lease<br>* Added a --dry-run flag"
        "<br>2. Faster pruning"
    )
    assert texts(notes) == [
        "Changes:",
        "- Fixed a race when two workers renew a lease",
        "* Added a --dry-run flag",
        "2. Faster pruning",
    ]
    # items in lower case, as commit messages write them, after a list's heading or item
    commits = "<p>Fixes:<br>- fix: crash on import<br>- feat: add a compass</p>"
    assert texts(commits) == ["Fixes:", "- fix: crash on import", "- feat: add a compass"]
    # ... but a wrapped sentence that goes on after a dash or before a figure is one paragraph
    assert texts("The council voted and the mayor<br>- despite the protests - signed it.") == [
        "The council voted and the mayor - despite the protests - signed it."
    ]
    assert texts("Tickets cost 5<br>- 10 euros a month.") == ["Tickets cost 5 - 10 euros a month."]


def test_a_br_nbsp_br_blank_line_ends_the_paragraph():
    # Blogger and WordPress's classic editor write an empty line as "<br />&nbsp;<br />"
    html = (
        "It ended the season in third place<br />&nbsp;<br />The club said on Monday"
        "<br>\n&nbsp; &nbsp;<br>that it would appeal."
    )
    assert texts(html) == [
        "It ended the season in third place",
        "The club said on Monday",
        "that it would appeal.",
    ]


@pytest.mark.parametrize("tag", ["hgroup", "search", "menu", "dir"])
def test_every_block_element_ends_a_paragraph(tag: str) -> None:
    html = f"<p>End of one.</p><{tag}>Start of the next</{tag}><{tag}>And another</{tag}>"
    assert texts(html) == ["End of one.", "Start of the next", "And another"]


def test_text_after_a_dropped_void_element_is_kept():
    # microdata <meta> in a byline, a stray <link> or <input>, an old <embed>: nothing to drop
    # after them but the tag itself
    html = (
        '<p>By <span itemprop="author"><meta itemprop="name" content="Ann Lee">Ann Lee</span>'
        ", our health correspondent.</p>"
        '<p>The rules <link rel="stylesheet" href="/c.css">change in May.</p>'
        '<p>Tick <input type="checkbox" disabled> the box, then <embed src="x.swf">'
        " press send.</p>"
    )
    assert texts(html) == [
        "By Ann Lee, our health correspondent.",
        "The rules change in May.",
        "Tick the box, then press send.",
    ]


def test_text_outside_blocks_is_kept():
    assert texts("loose text<p>para</p>tail") == ["loose text", "para", "tail"]


def test_whitespace_is_collapsed_and_entities_decoded():
    html = "<p>  Tom &amp; Jerry\n\t&nbsp;say &quot;hi&quot; &lt;3 &#8212; caf&eacute;  </p>"
    assert texts(html) == ['Tom & Jerry say "hi" <3 — café']


@pytest.mark.parametrize(
    "clutter",
    [
        "<script>alert('x')</script>",
        "<SCRIPT SRC='https://evil.example/x.js'></SCRIPT>",
        "<style>p { color: red }</style>",
        "<noscript>Enable JavaScript</noscript>",
        "<iframe src='https://example.org/embed'>Frame text</iframe>",
        "<form action='/subscribe'><input name='email'><button>Sign up</button></form>",
        "<nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>",
        "<aside>Related reading</aside>",
        "<object data='x.swf'>Flash fallback</object>",
        "<svg><text>Vector label</text></svg>",
        "<video src='v.mp4'>Your browser does not support video.</video>",
        "<template><p>Template</p></template>",
        "<select><option>Choose</option></select>",
        "<textarea>Typed</textarea>",
        "<div class='sharedaddy sd-sharing-enabled'><h3>Share this:</h3><a>Twitter</a></div>",
        "<div class='social-buttons'><a>Facebook</a></div>",
        "<ul id='jp-relatedposts'><li>Another post</li></ul>",
        "<div class='newsletter-signup'><p>Get our newsletter</p></div>",
        "<div class='feedflare'><a>Digg this</a></div>",
        "<div class='ad'>Buy now</div>",
        "<div id='Related-Posts'><div>Nested <div>deeper</div></div> still related</div>",
        "<p hidden>Hidden text</p>",
        "<p style='DISPLAY: none'>Invisible</p>",
    ],
)
def test_clutter_is_dropped_with_its_content(clutter):
    assert texts(f"<p>Before.</p>{clutter}<p>After.</p>") == ["Before.", "After."]


def test_figure_captions_and_image_alt_text_are_dropped():
    html = (
        "<figure><img src='a.png' alt='A photo of a cat'>"
        "<figcaption>Photo: Agency</figcaption></figure><p>Story.</p>"
    )
    assert texts(html) == ["Story."]


def test_class_names_only_containing_clutter_words_are_kept():
    html = (
        "<div class='shared-content'>Kept one.</div><div class='unrelated header'>Kept two.</div>"
    )
    assert texts(html) == ["Kept one.", "Kept two."]


def test_nested_clutter_of_the_same_name_is_removed_whole():
    html = "<aside><aside>inner</aside>outer</aside><p>Kept.</p>"
    assert texts(html) == ["Kept."]


def test_script_text_that_looks_like_a_tag_does_not_confuse_removal():
    html = '<p>One.</p><script>var s = "<script>"; if (a < b) {}</script><p>Two.</p>'
    assert texts(html) == ["One.", "Two."]


def test_table_cells_are_separated():
    html = "<table><tr><th>Name</th><th>Year</th></tr><tr><td>Ada</td><td>1843</td></tr></table>"
    assert html_to_paragraphs(html) == [
        Paragraph("Name | Year", "row"),
        Paragraph("Ada | 1843", "row"),
    ]


def test_hostile_markup_leaves_no_markup_behind():
    html = (
        '<p>Intro.</p><img src=x onerror="alert(1)"><a href="javascript:alert(2)">click</a>'
        '<a href="&#106;avascript:alert(3)">entity</a><scr<script>ipt>alert(4)</script>'
        "<body onload=alert(5)><p>Closing.</p>"
    )
    out = texts(html)
    assert out[0] == "Intro." and out[-1] == "Closing."
    joined = " ".join(out)
    for bad in ("<script", "<img", "onerror", "javascript:", "<a ", "onload"):
        assert bad not in joined


def test_comments_are_not_text():
    assert texts("<p>a<!-- hidden --> b</p><!-- wp:paragraph --><p>c</p>") == ["a b", "c"]


def test_control_characters_and_private_markers_are_stripped():
    assert texts("<p>a\x00b\x1bc\x01d\x7fe</p>") == ["abcde"]
    assert html_to_paragraphs("<p>\x01Not a heading</p>") == [Paragraph("Not a heading")]


def test_empty_and_markup_only_input():
    assert html_to_paragraphs("") == []
    assert html_to_paragraphs("   \n ") == []
    assert html_to_paragraphs("<br/><span></span><p> </p>") == []


def test_plain_text_input_is_one_paragraph():
    assert texts("Just text &amp; an entity") == ["Just text & an entity"]


def test_a_full_page_gives_the_body_text_only():
    html = (
        "<html><head><title>Page title</title><meta charset=utf-8></head>"
        "<body><p>Body.</p></body></html>"
    )
    assert texts(html) == ["Body."]


def test_deep_nesting_is_fast_and_keeps_the_text():
    html = "<div>" * 200_000 + "bottom" + "</div>" * 200_000
    start = time.perf_counter()
    assert texts(html) == ["bottom"]
    assert time.perf_counter() - start < 10


def test_very_deep_markup_reads_blocks_and_line_breaks_as_shallow_markup_does():
    # past MAX_NESTING the tree is not built and tags are read by pattern: the same blocks
    # must end paragraphs there, and a <br> inside a sentence must stay a wrapped line
    fragment = (
        "<hgroup>Council approves the budget</hgroup><menu>Read the full report</menu>"
        "<p>The vote was close, and the mayor<br>said she would veto it.<br>Talks resume.</p>"
        "<p>First line<br><br>Second line</p>"
        "<table><tr><td>Layout cell one</td></tr><tr><td>Layout cell two</td></tr></table>"
        "<div>Before the advert<aside>Buy now</aside>after it.</div>"
        "<p>Text <script>track()</script>and more.</p>"
    )
    deep = "<div>" * 6_000 + fragment + "</div>" * 6_000
    assert (
        texts(deep)
        == texts(fragment)
        == [
            "Council approves the budget",
            "Read the full report",
            "The vote was close, and the mayor said she would veto it.",
            "Talks resume.",
            "First line",
            "Second line",
            "Layout cell one",
            "Layout cell two",
            "Before the advert",
            "after it.",
            "Text and more.",
        ]
    )


def test_unclosed_paragraph_flood_is_fast():
    start = time.perf_counter()
    assert texts("<p>" * 100_000 + "end") == ["end"]
    assert time.perf_counter() - start < 10


def test_html_to_text_strips_markup_and_collapses_whitespace():
    assert html_to_text("Hostile Atom <img src=x onerror=alert(1)>") == "Hostile Atom"
    assert html_to_text('Escaped <script>alert("t")</script> title') == "Escaped title"
    assert html_to_text("<b>Bold</b>\n  and <i>italic</i>") == "Bold and italic"
    assert html_to_text("AT&amp;T &#8217;s  deal") == "AT&T ’s deal"
    assert html_to_text("<br/><span></span>") == ""
    assert html_to_text("   \t\n ") == ""
    assert html_to_text("") == ""


def test_html_to_text_keeps_less_than_signs_that_are_not_tags():
    assert html_to_text("Why x < y and 3 <4") == "Why x < y and 3 <4"
    # a "<" whose tag never closes would take the rest of the text with it
    assert html_to_text("Why x<y and z") == "Why x<y and z"
    assert html_to_text("<b>Bold</b> x <y z") == "Bold x <y z"


def test_html_to_text_joins_blocks_with_spaces():
    assert html_to_text("<p>One</p><p>Two</p>") == "One Two"


def test_html_to_text_drops_control_characters():
    assert html_to_text("NUL\x00here\x1b") == "NULhere"


def test_many_documents_in_a_row_stay_correct():
    # Parsing reuses one lexbor document per thread and renews it every few megabytes.
    chunk = "<p>" + "word " * 2_000 + "</p><h2>Heading</h2><ul><li>item</ul>"
    for _ in range(300):  # about 3 MB in all, past the renewal point
        paragraphs = html_to_paragraphs(chunk)
        assert [p.kind for p in paragraphs] == ["body", "heading", "body"]
        assert paragraphs[2].text == "\u2022 item"


def test_bytes_input_is_utf8():
    assert texts("<p>Caf\u00e9 \u2014 ok</p>".encode()) == ["Café — ok"]
    assert texts(b"plain \xe2\x82\xac text") == ["plain € text"]


@pytest.mark.parametrize(
    "name",
    ['class="taboola-below-article"', 'id="outbrain_widget_1"', 'class="newsletters-box"'],
)
def test_widget_names_shared_with_page_furniture_are_dropped(name: str) -> None:
    # recommendation widgets and newsletter boxes that page cleaning already knew
    html = f"<p>The council met on Monday.</p><div {name}><p>Promoted stories</p></div>"
    assert texts(html) == ["The council met on Monday."]


# --- inline elements, code blocks and tables -------------------------------------------------


def test_inline_code_links_and_line_breaks_never_split_a_sentence() -> None:
    html = (
        "<p>Someone wrote a note in the config as <code>comment!</code> without the hash, "
        "so the parsed <code>tags</code> list was <em>empty</em>; see <a href='/faq'>the "
        "FAQ</a>.</p><p>The newsletter goes out once a month and is free to<br>subscribe.</p>"
    )
    assert texts(html) == [
        "Someone wrote a note in the config as comment! without the hash, so the parsed tags "
        "list was empty; see the FAQ.",
        "The newsletter goes out once a month and is free to subscribe.",
    ]


def test_pre_block_is_a_code_paragraph_kept_verbatim() -> None:
    html = (
        "<p>The second run:</p><pre class='wp-block-code'><code><span class='p'>$</span> ci-run"
        " --dry pipeline.yml\n  build    scheduled\n\n  test     scheduled &amp; green  \n"
        "</code></pre><p>That is all.</p>"
    )
    assert html_to_paragraphs(html) == [
        Paragraph("The second run:"),
        Paragraph(
            "$ ci-run --dry pipeline.yml\n  build    scheduled\n\n  test     scheduled & green",
            "code",
        ),
        Paragraph("That is all."),
    ]


def test_br_inside_pre_is_a_line_break_of_the_code() -> None:
    assert html_to_paragraphs("<pre>$ make<br>ok</pre>") == [Paragraph("$ make\nok", "code")]


def test_data_table_becomes_rows_with_its_caption_as_heading() -> None:
    html = (
        "<table><caption>Top of the table</caption><thead><tr><th>Team</th><th>P</th>"
        "<th>Pts</th></tr></thead><tbody><tr><td><a href='/t/1'>Harbour United</a></td>"
        "<td>29</td><td>60</td></tr><tr><td>Riverside &amp; District</td><td>29</td>"
        "<td><b>59</b><script>track()</script></td></tr></tbody></table>"
    )
    assert html_to_paragraphs(html) == [
        Paragraph("Top of the table", "heading"),
        Paragraph("Team | P | Pts", "row"),
        Paragraph("Harbour United | 29 | 60", "row"),
        Paragraph("Riverside & District | 29 | 59", "row"),
    ]


def test_layout_table_is_read_as_blocks() -> None:
    story = "The old textile mill on River Road reopened on Saturday after four years. " * 4
    html = (
        "<table><tr><td><a href='/'>Home</a> | <a href='/news'>News</a></td></tr>"
        f"<tr><td>Obituaries<br>Classifieds</td><td><b>Old mill reopens</b><br><br>{story}"
        "<br><br>The bakery opens at six.</td></tr></table>"
    )
    assert texts(html) == [
        "Home | News",
        "Obituaries Classifieds",
        "Old mill reopens",
        story.strip(),
        "The bakery opens at six.",
    ]


def test_data_table_inside_a_layout_table_is_still_rows() -> None:
    story = "A long paragraph of the article that sits in the layout table's cell. " * 5
    html = (
        f"<table><tr><td><p>{story}</p><table><tr><th>Pos</th><th>Team</th></tr>"
        "<tr><td>1</td><td>Harbour</td></tr></table></td></tr></table>"
    )
    assert html_to_paragraphs(html) == [
        Paragraph(story.strip()),
        Paragraph("Pos | Team", "row"),
        Paragraph("1 | Harbour", "row"),
    ]


def test_single_column_table_is_read_as_paragraphs() -> None:
    assert html_to_paragraphs("<table><tr><td>One.</td></tr><tr><td>Two.</td></tr></table>") == [
        Paragraph("One."),
        Paragraph("Two."),
    ]


def test_structure_markers_in_the_input_are_not_taken_for_structure() -> None:
    for marker in ("\x01", "\x02", "\x03", "\x04"):
        assert html_to_paragraphs(f"<p>{marker}plain text</p>") == [Paragraph("plain text")]
        assert html_to_paragraphs(f"<p>{marker}plain text</p>".encode()) == [
            Paragraph("plain text")
        ]


def test_highlighter_table_is_the_code_without_its_line_numbers() -> None:
    html = (
        "<p>Here is the test:</p><table class='CodeRay'><tr><td class='line_numbers'><pre>1<tt>"
        "\n</tt>2<tt>\n</tt>3</pre></td><td class='code'><pre><span class='r'>def</span> "
        "test_sign_up<tt>\n</tt>    visits <span class='s'>&quot;/&quot;</span><tt>\n</tt>end"
        "</pre></td></tr></table>"
    )
    assert html_to_paragraphs(html) == [
        Paragraph("Here is the test:"),
        Paragraph('def test_sign_up\n    visits "/"\nend', "code"),
    ]


def test_a_less_than_sign_that_opens_no_tag_stays_in_a_title() -> None:
    # an HTML parser takes "<?" for the start of a processing instruction, and drops the words
    # after it; in a title it is the writer's own sign
    from digest.text.html import html_to_text

    assert html_to_text("0<? 1") == "0<? 1"
    assert html_to_text("Is x <? y, or 5 < 6?") == "Is x <? y, or 5 < 6?"
    assert html_to_text("<em>Bold</em> claim <? indeed") == "Bold claim <? indeed"
    assert html_to_text("a <b>b</b> <!-- note --> c") == "a b c"


def test_a_paragraph_repeating_the_image_alt_text_is_its_caption():
    # NPR's feeds print each picture's caption as the paragraph after it, then its credit
    caption = "Cars line up on a road leading away from the coast in Hachinohe on Monday."
    html = (
        f"<img src='https://media.example.org/quake.jpg' alt='{caption}'/><p>{caption}</p>"
        "<p>(Image credit: Kyodo News via AP)</p>"
        "<p>The quake struck off the coast on Monday evening.</p>"
        "<img src='https://media.example.org/pixel.png?story=1' />"
    )
    assert texts(html) == [
        "(Image credit: Kyodo News via AP)",
        "The quake struck off the coast on Monday evening.",
    ]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # the text goes on past the alt text: a paragraph of the story
        (
            "<img alt='A heron on the weir'><p>A heron on the weir was counted on Monday.</p>",
            ["A heron on the weir was counted on Monday."],
        ),
        # a heading of the same words is the section's, not a caption
        ("<img alt='Results'><h2>Results</h2><p>Turnout rose.</p>", ["Results", "Turnout rose."]),
        # the same words further on, after other text, are the story's
        (
            "<img alt='The weir at dawn'><p>Turnout rose.</p><p>The weir at dawn</p>",
            ["Turnout rose.", "The weir at dawn"],
        ),
        # text beside the image inside one paragraph
        ("<p><img alt='The weir at dawn'>The weir at dawn</p>", ["The weir at dawn"]),
    ],
)
def test_text_that_only_resembles_an_images_caption_is_kept(html: str, expected: list[str]):
    assert texts(html) == expected
