"""The normalise stage on articles in languages other than English: the boilerplate their sites
add is cut by the same rules as in English, and their sentences that only resemble it stay.

The signals and patterns of each language live in rules.toml; these tests hold one wording of
each kind of boilerplate per language, set between two paragraphs of that language's prose.
"""

from __future__ import annotations

import pytest

from digest.model import Article, Paragraph
from digest.text.normalise import default_rules, normalise

RULES = default_rules()

# Two paragraphs of ordinary news prose per language.
PROSE = {
    "de": [
        "Der Stadtrat hat am Dienstag den Haushalt für das kommende Jahr beschlossen. Die "
        "Ausgaben für Schulen steigen um vier Prozent.",
        "Die Opposition stimmte geschlossen dagegen und kritisierte vor allem die Kürzungen bei "
        "den Bibliotheken.",
    ],
    "fr": [
        "Le conseil municipal a adopté mardi le budget de l'an prochain. Les dépenses pour les "
        "écoles augmentent de quatre pour cent.",
        "L'opposition a voté contre et a surtout critiqué les coupes dans les bibliothèques.",
    ],
    "es": [
        "El pleno municipal aprobó el martes el presupuesto del año que viene. El gasto en "
        "colegios sube un cuatro por ciento.",
        "La oposición votó en contra y criticó sobre todo los recortes en las bibliotecas.",
    ],
    "it": [
        "Il consiglio comunale ha approvato martedì il bilancio del prossimo anno. La spesa per "
        "le scuole cresce del quattro per cento.",
        "L'opposizione ha votato contro e ha criticato soprattutto i tagli alle biblioteche.",
    ],
    "pt": [
        "A assembleia municipal aprovou na terça-feira o orçamento do próximo ano. A despesa com "
        "as escolas sobe quatro por cento.",
        "A oposição votou contra e criticou sobretudo os cortes nas bibliotecas.",
    ],
    "nl": [
        "De gemeenteraad heeft dinsdag de begroting voor volgend jaar aangenomen. De uitgaven "
        "aan scholen stijgen met vier procent.",
        "De oppositie stemde tegen en had vooral kritiek op de bezuinigingen op de bibliotheken.",
    ],
    "pl": [
        "Rada miasta przyjęła we wtorek budżet na przyszły rok. Wydatki na szkoły wzrosną o "
        "cztery procent.",
        "Opozycja głosowała przeciw i krytykowała przede wszystkim cięcia w bibliotekach.",
    ],
    "sv": [
        "Kommunfullmäktige antog på tisdagen budgeten för nästa år. Utgifterna för skolorna "
        "ökar med fyra procent.",
        "Oppositionen röstade emot och kritiserade framför allt nedskärningarna på biblioteken.",
    ],
    "en": [
        "The council agreed next year's budget on Tuesday. Spending on schools rises by four "
        "per cent.",
        "The opposition voted against it and criticised the cuts to the libraries above all.",
    ],
    "tr": [
        "Belediye meclisi salı günü gelecek yılın bütçesini kabul etti. Okullara ayrılan pay "
        "yüzde dört artıyor.",
        "Muhalefet karşı oy kullandı ve özellikle kütüphanelerdeki kesintileri eleştirdi.",
    ],
}


def clean(lang: str, middle: list[str], title: str = "") -> tuple[list[str], list[tuple[str, str]]]:
    """The stage run on ``middle`` between the language's two prose paragraphs: (kept texts,
    (rule, text) removed)."""
    first, last = PROSE[lang]
    paragraphs = tuple(Paragraph(t) for t in [first, *middle, last])
    result = normalise(Article("k", "Courier", title, paragraphs), RULES)
    return [p.text for p in result.paragraphs], [(r.rule, r.text) for r in result.removed]


# --- boilerplate, one paragraph at a time ------------------------------------------------------

BOILERPLATE = [
    # AI disclaimers: the text names itself, AI, and how it was made
    (
        "it",
        "ai-disclaimer",
        "Questo testo è stato generato con l'aiuto dell'intelligenza artificiale.",
    ),
    ("pt", "ai-disclaimer", "Esta notícia foi escrita com a ajuda de inteligência artificial."),
    (
        "nl",
        "ai-disclaimer",
        "Deze samenvatting is gemaakt met behulp van kunstmatige intelligentie.",
    ),
    ("pl", "ai-disclaimer", "Ten tekst został wygenerowany przy użyciu sztucznej inteligencji."),
    ("sv", "ai-disclaimer", "Den här texten har skapats med hjälp av AI."),
    # newsletter boxes
    ("it", "newsletter-prompt", "Iscriviti gratis alla newsletter del mattino."),
    ("pt", "newsletter-prompt", "Subscreva gratuitamente a newsletter diária."),
    ("nl", "newsletter-prompt", "Meld je aan voor de nieuwsbrief en mis niets."),
    ("pl", "newsletter-prompt", "Zapisz się na newsletter."),
    ("sv", "newsletter-prompt", "Prenumerera på nyhetsbrevet varje morgon."),
    ("it", "newsletter-prompt", "La newsletter del mattino: iscriviti qui."),
    ("sv", "newsletter-prompt", "Nyhetsbrevet skickas till dig varje morgon."),
    # comment prompts
    ("it", "comment-prompt", "Dite la vostra: lasciate un commento qui sotto."),
    ("pt", "comment-prompt", "E você, o que acha? Comente abaixo."),
    ("nl", "comment-prompt", "Wat denk jij? Praat mee in de reacties."),
    ("fr", "comment-prompt", "Et vous, vous en pensez quoi ? Dites-moi tout en commentaire."),
    # share buttons and follow prompts
    ("it", "share-prompt", "Condividi questo articolo su WhatsApp"),
    ("pt", "share-prompt", "Compartilhe esta matéria no Facebook"),
    ("nl", "share-prompt", "Deel via WhatsApp of e-mail"),
    ("it", "social-prompt", "Seguiteci su Instagram per non perdere nessuna novità."),
    ("pt", "social-prompt", "Siga-nos no Instagram e no Facebook para não perder nada."),
    ("nl", "social-prompt", "Volg ons op Instagram en mis niets."),
    ("sv", "social-prompt", "Följ oss på Instagram."),
    ("fr", "social-prompt", "Suivez-moi sur Instagram pour plus de recettes."),
    # an order to follow the publisher by name on a network: "Follow The Courier on X"
    ("it", "social-prompt", "Segui la Gazzetta di Borgo su Facebook"),
    ("pt", "social-prompt", "Siga o Diário da Vila no Instagram."),
    # paywalls and sign-in prompts: "subscribers only" is asked as a sign-in, as in English
    ("it", "sign-in-prompt", "Articolo riservato agli abbonati. Accedi per continuare a leggere."),
    ("pt", "sign-in-prompt", "Matéria exclusiva para assinantes. Faça login para continuar lendo."),
    ("nl", "sign-in-prompt", "Alleen voor abonnees. Log in om verder te lezen."),
    (
        "fr",
        "sign-in-prompt",
        "Cette page est réservée aux abonnés. Connectez-vous pour lire la suite.",
    ),
    (
        "es",
        "sign-in-prompt",
        "Artículo exclusivo para suscriptores. Inicia sesión para seguir leyendo.",
    ),
    ("de", "sign-in-prompt", "Schon Abonnent? Jetzt anmelden."),
    # a recipe's rating prompt
    ("it", "rating-prompt", "Hai provato questa ricetta? Lascia una recensione!"),
    # cookie banners left in the text
    ("it", "cookie-notice", "Utilizziamo i cookie per offrirti un'esperienza migliore."),
    ("nl", "cookie-notice", "Deze website maakt gebruik van cookies voor statistieken."),
    ("pl", "cookie-notice", "Ta strona używa plików cookies w celach statystycznych."),
    ("sv", "cookie-notice", "Vi använder kakor för att förbättra webbplatsen."),
    # copyright lines
    ("it", "copyright-line", "Riproduzione riservata"),
    ("pl", "copyright-line", "Gazeta Miejska. Wszelkie prawa zastrzeżone."),
    ("sv", "copyright-line", "Lokaltidningen – Alla rättigheter förbehållna."),
    ("tr", "copyright-line", "Tüm hakları saklıdır."),
    # a link to another article set into the text
    ("it", "inline-teaser", "Leggi anche: Il nuovo piano dei parcheggi in centro"),
    ("pt", "inline-teaser", "Leia também: Câmara aprova novo plano de estacionamento"),
    ("nl", "inline-teaser", "Lees ook: Gemeente wil meer parkeerplaatsen in het centrum"),
    ("pl", "inline-teaser", "Czytaj także: Nowy plan parkowania w centrum"),
    ("sv", "inline-teaser", "Läs också: Kommunen vill bygga fler parkeringar"),
    ("tr", "inline-teaser", "İlginizi çekebilir: Merkezde yeni otopark planı"),
]


@pytest.mark.parametrize(
    ("lang", "rule", "text"), BOILERPLATE, ids=[f"{b[0]}-{b[1]}" for b in BOILERPLATE]
)
def test_boilerplate_in_the_language_of_the_article_is_cut(lang: str, rule: str, text: str) -> None:
    kept, removed = clean(lang, [text])
    assert kept == PROSE[lang]
    assert removed == [(rule, text)]


# --- blocks under a heading ---------------------------------------------------------------------

HEADLINES = {
    "it": ["Parcheggi, cambia tutto in centro", "La biblioteca apre anche la domenica"],
    "pt": ["Estacionamento muda no centro", "Biblioteca abre também ao domingo"],
    "nl": ["Parkeren in het centrum wordt duurder", "Bibliotheek ook op zondag open"],
    "pl": ["Parkowanie w centrum drożeje", "Biblioteka otwarta także w niedzielę"],
    "sv": ["Dyrare parkering i centrum", "Biblioteket öppet även på söndagar"],
    "tr": ["Merkezde otopark ücretleri artıyor", "Kütüphane pazar günü de açık"],
}
BLOCKS = [
    ("it", "related-block", "Potrebbe interessarti anche"),
    ("it", "related-block", "Articoli correlati"),
    ("pt", "related-block", "Veja também"),
    ("pt", "related-block", "Mais lidas"),
    ("nl", "related-block", "Meer over dit onderwerp"),
    ("nl", "related-block", "Meest gelezen"),
    ("pl", "related-block", "Zobacz także"),
    ("sv", "related-block", "Mest lästa"),
    ("tr", "related-block", "İlgili haberler"),
    ("it", "share-block", "Condividi"),
    ("pt", "share-block", "Compartilhar"),
    ("nl", "share-block", "Delen"),
    ("it", "comments-block", "Commenti (12)"),
    ("nl", "comments-block", "Reacties"),
]


@pytest.mark.parametrize(
    ("lang", "rule", "heading"), BLOCKS, ids=[f"{b[0]}-{b[2]}" for b in BLOCKS]
)
def test_a_heading_in_the_language_of_the_article_cuts_the_block_under_it(
    lang: str, rule: str, heading: str
) -> None:
    first, last = PROSE[lang]
    paragraphs = tuple(Paragraph(t) for t in [first, last, heading, *HEADLINES[lang]])
    result = normalise(Article("k", "Courier", "", paragraphs), RULES)
    assert [p.text for p in result.paragraphs] == PROSE[lang]
    assert [(r.rule, r.text) for r in result.removed] == [
        (rule, t) for t in [heading, *HEADLINES[lang]]
    ]


# --- sentences that only resemble boilerplate ---------------------------------------------------

LOOKALIKES = [
    # news about AI in newsrooms, in reported speech or about other texts
    ("it", "Secondo il sindacato, questo articolo è stato scritto con l'intelligenza artificiale."),
    ("pt", "Segundo o provedor, este artigo foi escrito com inteligência artificial."),
    ("nl", "Volgens de ombudsman is dit artikel gemaakt met kunstmatige intelligentie."),
    # news about cookie banners, quoting one
    ("it", 'Il Garante ha spiegato che il banner diceva solo "Questo sito utilizza cookie".'),
    ("nl", "De toezichthouder zegt dat de site cookies plaatste zonder toestemming."),
    # a news story about newsletters and subscriptions
    ("it", "La newsletter della startup è gratuita e arriva ogni mattina a dodicimila lettori."),
    ("pt", "Os jornais ganharam assinantes com a newsletter enviada todas as manhãs."),
    ("nl", "Lokale redacties versturen hun nieuwsbrief elke ochtend om zeven uur."),
    ("fr", "Je reçois chaque semaine une dizaine de newsletters, et je n'en lis presque aucune."),
    # a newsletter described, "free" and "every morning", to no reader in particular
    ("en", "The newsletter is free and arrives every morning in 12,000 inboxes."),
    ("fr", "La newsletter est gratuite et arrive chaque matin chez douze mille lecteurs."),
    ("es", "El boletín es gratuito y llega cada mañana a doce mil lectores."),
    # quotes that sound like prompts
    ("pt", '"Assine já, dizíamos em todas as páginas, e funcionou", admite a diretora.'),
    ("nl", '"Laat je mening horen, maar doe het fatsoenlijk", schreef de hoofdredacteur.'),
    ("it", '"Leggi anche le note", mi diceva sempre il mio professore.'),
    # Dutch "deel" is also "part"; Portuguese "entre" is also "between"
    ("nl", "Deel van de reacties op Facebook was volgens de politie bedreigend."),
    ("pt", "Entre os assinantes do Instagram da câmara, poucos comentaram a decisão."),
    # a sentence that merely names a network and following
    ("it", "Segui il dibattito: il consiglio si riunisce giovedì 12 alle 18 su YouTube."),
    # Every language's patterns are searched in every sentence: Italian "qui" (here) is French
    # "qui" (who), Swedish "dig" and "din" (you, your) are English words
    ("fr", "Le quotidien lance une newsletter qui arrive chaque matin dans 20 000 boîtes."),
    ("fr", "La rencontre, qui était réservée aux abonnés, a attiré trois cents personnes."),
    ("fr", "Les clients qui voulaient se connecter à leur banque ont été bloqués."),
    (
        "fr",
        "L'application, qui est disponible sur l'App Store, a été téléchargée un million de fois.",
    ),
    ("en", "Players dig the new app, which topped the App Store charts this week."),
    ("fr", "La grippe tue chaque semaine des dizaines de personnes, rappelle la newsletter."),
]


@pytest.mark.parametrize(
    ("lang", "sentence"), LOOKALIKES, ids=[f"{s[0]}-{n}" for n, s in enumerate(LOOKALIKES)]
)
def test_sentences_that_only_resemble_boilerplate_are_kept(lang: str, sentence: str) -> None:
    kept, removed = clean(lang, [sentence])
    assert removed == []
    assert kept == [PROSE[lang][0], sentence, PROSE[lang][1]]


def test_a_disclaimer_at_the_end_of_an_italian_paragraph_cuts_only_that_sentence() -> None:
    prose = "La seduta è durata quattro ore e si è chiusa poco prima di mezzanotte."
    note = "Questo articolo è stato redatto con il supporto dell'intelligenza artificiale."
    kept, removed = clean("it", [f"{prose} {note}"])
    assert kept == [PROSE["it"][0], prose, PROSE["it"][1]]
    assert removed == [("ai-disclaimer", note)]


@pytest.mark.parametrize(
    ("lang", "prose", "note"),
    [
        (
            "de",
            "Die Sitzung begann am 3. Oktober um neun Uhr.",
            "Dieser Artikel wurde am 3. Oktober mit Hilfe künstlicher Intelligenz erstellt.",
        ),
        (
            "fr",
            "M. Dupont a ouvert la séance à neuf heures.",
            "Cet article a été rédigé par M. Dupont avec l'aide de l'intelligence artificielle.",
        ),
    ],
)
def test_an_article_s_sentences_are_split_by_the_rules_of_its_language(
    lang: str, prose: str, note: str
) -> None:
    # Split as English, "am 3." and "M." end sentences: the note fell into two halves that
    # neither said enough to be cut, and the prose into fragments.
    first, last = PROSE[lang]
    paragraphs = tuple(Paragraph(t) for t in [first, f"{prose} {note}", last])
    result = normalise(Article("k", "Courier", "", paragraphs, language=lang), RULES)
    assert [p.text for p in result.paragraphs] == [first, prose, last]
    assert [(r.rule, r.text) for r in result.removed] == [("ai-disclaimer", note)]
