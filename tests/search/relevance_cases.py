"""The relevance set: what shoppers type over the demo catalogue (`shops.demo_catalogue`) and the products
that must be among the first five results (tests/search/test_relevance.py runs them on every backend).

Each case names what it needs from a backend, and runs only on the backends that have all of it:

- "typo": a misspelt word still finds ("kopi balli");
- "stemming": an affixed word finds its root ("keripiknya", "berbahan");
- "synonyms": a word finds its synonyms of search/synonyms.txt ("coffee" finds "kopi");
- "ranking": results ordered by relevance, for queries matching more than five products (the database
  backend on SQLite lists the newest first).

`weak_on` records, per backend, a case that backend is known to fail and why: the test expects the failure
(a strict xfail), so the weakness stays visible in every run and the case turns red when it is fixed.
Backends: "postgresql" and "sqlite" (the database backend), "osmem" (Elasticsearch backend on the test run's
search server, standard analysis), "elasticsearch" (Elasticsearch backend on a real Elasticsearch).
"""

from __future__ import annotations

from dataclasses import dataclass, field

CAPABILITIES = {
    "postgresql": frozenset({"typo", "stemming", "synonyms", "ranking"}),
    "sqlite": frozenset({"synonyms"}),
    "osmem": frozenset({"typo", "ranking"}),
    "elasticsearch": frozenset({"typo", "stemming", "synonyms", "ranking"}),
}

NO_CATEGORY_NAMES = "the database backend does not search category names"


@dataclass(frozen=True)
class Case:
    query: str
    expected: tuple[str, ...]  # titles that must all be among the first five results
    needs: frozenset[str] = frozenset()
    weak_on: dict[str, str] = field(default_factory=dict)  # backend → why it fails there

    @property
    def id(self) -> str:
        return self.query.replace(" ", "_")


def case(query: str, *expected: str, needs: tuple[str, ...] = (), weak_on: dict[str, str] | None = None) -> Case:
    return Case(query, expected, frozenset(needs), weak_on or {})


TYPO = ("typo",)
STEMMING = ("stemming",)
SYNONYMS = ("synonyms",)
RANKING = ("ranking",)

CASES = (
    # Misspellings.
    # "pedes" is a synonym of "pedas" (in the description only; typos are forgiven in titles).
    case("kripik pedes", "Kripik Singkong Balado", needs=TYPO),
    case("kopi balli", "Kopi Robusta Bali Bubuk", needs=TYPO),
    case("keripik pisang", "Kripik Pisang Manis", needs=TYPO),
    case("sambel matah", "Sambal Matah Botol", needs=TYPO),
    case("kopi arabica", "Drip Bag Kopi Arabika", "Kopi Arabika Proses Natural", needs=TYPO),
    case("alpukat mentga", "Alpukat Mentega", needs=TYPO),
    case("strawberi", "Stroberi Segar", needs=TYPO),
    case("rosela", "Teh Rosella Merah", needs=TYPO),
    case("kain endk", "Kain Endek Sutra", needs=TYPO),
    case("topeng barog", "Topeng Kayu Barong", needs=TYPO),
    case("kripk", "Kripik Pisang Manis", "Kripik Singkong Balado", needs=TYPO),
    case("sambl", "Sambal Matah Botol", "Sambal Terasi Bakar", needs=TYPO),
    case("madu hutn", "Madu Kele Hutan Pelaga", needs=TYPO),
    case("pisng", "Kripik Pisang Manis", "Bantal Ketan Pisang", needs=TYPO),
    case("kacng", "Pia Kacang Hijau", "Kacang Tanah Bawang", needs=TYPO),
    case("ukirn", "Ukiran Dinding Bunga Jepun", "Kotak Perhiasan Ukir", needs=TYPO),
    # Affixed forms.
    case("pedasnya", "Serundeng Kelapa Pedas", needs=STEMMING),
    case("sabun berbahan kunyit", "Sabun Batang Kunyit", needs=STEMMING),
    case("diukir", "Kotak Perhiasan Ukir", "Tempat Dupa Kayu Ukir", needs=STEMMING),
    case("dianyam", "Tempat Tisu Anyaman Pandan", "Keben Anyaman Lontar", needs=STEMMING),
    case("sambalnya terasi", "Sambal Terasi Bakar", needs=STEMMING),
    case("kopinya pelaga", "Kopi Arabika Pelaga Bubuk", needs=STEMMING),
    case("perhiasannya", "Kotak Perhiasan Ukir", needs=STEMMING),
    case(
        "keripiknya",
        "Kripik Pisang Manis",
        "Kripik Singkong Balado",
        needs=STEMMING + TYPO,
        weak_on={"postgresql": "the stem 'keripik' is not 'kripik', and 'keripiknya' is too far from it for trigrams"},
    ),
    # Synonyms (search/synonyms.txt).
    case("coffee robusta", "Kopi Robusta Bali Bubuk", needs=SYNONYMS),
    case("honey hutan", "Madu Kele Hutan Pelaga", needs=SYNONYMS),
    case("soap kunyit", "Sabun Batang Kunyit", needs=SYNONYMS),
    case("spicy chips", "Kripik Singkong Balado", needs=SYNONYMS),
    case("woven bag", "Tas Ata Bulat", needs=SYNONYMS),
    case("palm sugar", "Gula Aren Cair", needs=SYNONYMS),
    case("tea rosella", "Teh Rosella Merah", needs=SYNONYMS),
    case("t-shirt barong", "Kaos Sablon Barong", needs=SYNONYMS),
    case("cake kacang hijau", "Kue Satu Kacang Hijau", needs=SYNONYMS),
    # Several words.
    case("kopi bali", "Kopi Robusta Bali Bubuk"),
    case("sambal matah", "Sambal Matah Botol"),
    case("pie susu", "Pie Susu Bali", "Pie Susu Cokelat"),
    case("kain endek sutra", "Kain Endek Sutra"),
    case("jaje laklak", "Jaje Laklak Gula Merah"),
    case("minyak pijat", "Minyak Pijat Sereh", "Minyak Pijat Bunga Jepun"),
    case("cincin perak", "Cincin Perak Motif Jawan", "Cincin Perak Polos Pasangan"),
    case("topeng barong", "Topeng Kayu Barong"),
    case("keranjang bambu", "Keranjang Bambu Serbaguna"),
    case("jeruk siam", "Jeruk Siam Petang"),
    case("kripik balado", "Kripik Singkong Balado"),
    case("kopi tubruk", "Kopi Robusta Bali Bubuk"),
    case("bawang goreng", "Sambal Embe Bawang Goreng"),
    case("gelang perak", "Gelang Perak Anyam Bali"),
    case("base genep", "Base Genep Bumbu Lengkap Bali"),
    case("sate lilit", "Bumbu Sate Lilit"),
    # No demo product has all three words: the most-words fallback finds those with two.
    case("tas anyaman rotan", "Tas Ata Bulat", "Lampu Gantung Rotan", needs=RANKING),
    # Shop names, alone or with a word.
    case("boreh bali canggu", "Boreh Bali Rempah", needs=RANKING),
    case("kopi pelaga bu komang", "Kopi Arabika Pelaga Bubuk", needs=RANKING),
    case("dapur sambal made", "Sambal Matah Botol", needs=RANKING),
    case("kamen legian", "Kamen Endek Pria", needs=RANKING),
    case("anyaman bambu sangeh", "Tempat Buah Anyaman Bambu", "Kipas Anyaman Bambu", needs=RANKING),
    case("carangsari jeruk", "Jeruk Siam Petang"),
    case("canggu sabun", "Sabun Batang Kunyit", "Sabun Arang Bambu"),
    case("jimbaran topeng", "Topeng Kayu Barong"),
    # Category words.
    case("perhiasan", "Kotak Perhiasan Ukir"),
    case("jasa", "Jasa Ukir Nama pada Papan Kayu", "Jasa Jahit Kemeja dari Kain Anda"),
    case("oleh-oleh", "Paket Oleh-oleh Sambal Trio", needs=RANKING),
    case("rotan", "Lampu Gantung Rotan", "Keranjang Laundry Rotan"),
    case("ketan", "Dodol Bali Ketan", "Jaje Uli Ketan Hitam"),
    case(
        "pertanian",
        "Pupuk Kompos Organik",
        "Bibit Kopi Arabika",
        weak_on={"postgresql": NO_CATEGORY_NAMES, "sqlite": NO_CATEGORY_NAMES},
    ),
)


def cases_for(backend: str) -> list[Case]:
    """The cases whose needs the backend covers."""
    return [item for item in CASES if item.needs <= CAPABILITIES[backend]]
