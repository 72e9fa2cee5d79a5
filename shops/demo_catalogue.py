"""Demo shops and products for `manage.py seed_demo`: eight approved shops of Badung (Kuta, Kuta Selatan,
Kuta Utara, Mengwi, Abiansemal, Petang), one shop waiting for review, and 120 products with variants and photos.

Decisions:

- **Through the services**, as a seller and an operator would: `shop_create`, `shop_update_profile`,
  `shop_submit`, `shop_approve`, `shop_verify_legal`, `product_create`, `variant_add`, `product_image_add`,
  `product_publish`. So the demo data passes the same checks as real data, and a change to a rule shows up here.
  Logos, banners and product photos are drawn with Pillow (`shops.demo_photos`, nothing is downloaded) and go
  through the same upload pipeline as a seller's photo.
- **Idempotent and resumable.** A shop is found by its owner (a user owns at most one shop) and must have the
  slug the data expects; each step runs only when it is still needed (profile while draft, submit, approve,
  verify). A product is found by its title within its shop and is seeded in one transaction (product, variants,
  photo, publish), so an interrupted run leaves no half product and the next run finishes the rest. A second
  run creates nothing and changes nothing. A demo owner who already owns another shop (the demo seller made
  one in the wizard) is left alone, and that demo shop is skipped.
- **Owners**: the demo seller (`cms.demo`) owns "Dapur Sambal Made"; every other shop has its own owner account
  (`*@pasarumkm.test`, verified email, no usable password: they exist to own their shops; hashing eight demo
  passwords would cost seconds). The operator passed in approves and verifies.
- **No mail**: the review services mail owners and operators; seeding swaps the email backend for Django's
  dummy backend, so neither the console nor the outbox fills with mails about made-up shops.
- **Renditions** are made at once by calling the rendition task in the seeding transaction (it is idempotent):
  seeding inside a test transaction never commits, and a deployment whose Celery is not eager would otherwise
  show photos without renditions until a worker catches up. The task queued on commit then finds the work done.
- **Speed**: one photo per product, a 480 px PNG of flat colours (`shops.demo_photos.PHOTO_EDGE`; the coach's
  "small" advice is recorded, which only the seller sees); most of the time is the pipeline's WebP encoding.
  The demo seller's own shop, the one people log in to, gets 800 px photos (`SELLER_PHOTO_EDGE`), big enough
  that the coach has nothing to say about them.
  Celery's log line per eager task is silenced while seeding, so the console shows the summary only.
- **Deterministic**: pictures and the order of creation depend only on the data (CRC32 of the title as the seed).
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from uuid import uuid4

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User

from . import demo_photos
from .images import normalise_photo, validate_product_photo
from .models import Category, Product, Shop, ShopMember, Village
from .services import (
    LEGAL_DOCUMENTS,
    product_create,
    product_image_add,
    product_publish,
    shop_approve,
    shop_create,
    shop_submit,
    shop_update_profile,
    shop_verify_legal,
    variant_add,
)
from .tasks import make_product_image_renditions

# Colour and drawn motif of each category's photos (see shops.demo_photos.MOTIFS).
CATEGORY_LOOK: dict[str, tuple[tuple[int, int, int], str]] = {
    "makanan-minuman": ((196, 110, 40), "jar"),
    "kripik-camilan": ((214, 128, 36), "bag"),
    "sambal-bumbu": ((186, 48, 38), "jar"),
    "kopi-teh": ((112, 72, 46), "cup"),
    "kue-jajanan-bali": ((196, 84, 128), "cake"),
    "oleh-oleh": ((140, 64, 140), "box"),
    "kerajinan": ((168, 120, 60), "basket"),
    "anyaman": ((188, 148, 58), "basket"),
    "ukiran-kayu": ((146, 92, 50), "carving"),
    "perak-perhiasan": ((88, 108, 138), "jewel"),
    "kain-fashion": ((36, 96, 160), "cloth"),
    "kain-endek": ((30, 90, 160), "cloth"),
    "pakaian": ((36, 124, 148), "shirt"),
    "kecantikan": ((118, 146, 84), "bottle"),
    "minyak-lulur-bali": ((150, 128, 64), "bottle"),
    "pertanian": ((60, 138, 62), "leaf"),
    "sayur-buah": ((70, 146, 58), "leaf"),
    "jasa": ((72, 82, 160), "hand"),
}

# What the buyer needs to know, by category, after the product's own description.
CATEGORY_NOTES = {
    "kripik-camilan": "Tanpa pengawet dan MSG. Simpan di tempat kering, tutup rapat setelah dibuka.",
    "sambal-bumbu": "Tanpa pengawet. Simpan di kulkas setelah dibuka, habiskan dalam 2 minggu.",
    "kopi-teh": "Simpan di wadah kedap udara, jauh dari sinar matahari.",
    "kue-jajanan-bali": "Dibuat setiap pagi. Tahan 2-3 hari di suhu ruang.",
    "makanan-minuman": "Simpan di tempat sejuk dan kering.",
    "oleh-oleh": "Dikemas rapi, cocok untuk oleh-oleh dan hantaran.",
    "anyaman": "Dianyam dengan tangan; ukuran dan warna bisa sedikit berbeda setiap buah.",
    "ukiran-kayu": "Diukir dengan tangan; serat kayu setiap buah berbeda.",
    "perak-perhiasan": "Perak 925, dikerjakan dengan tangan oleh perajin setempat.",
    "kain-endek": "Tenun ATBM (alat tenun bukan mesin). Cuci dengan tangan, jangan diperas.",
    "pakaian": "Tanyakan ukuran lewat WhatsApp bila ragu.",
    "minyak-lulur-bali": "Bahan alami. Uji dulu di kulit lengan sebelum dipakai.",
    "kecantikan": "Bahan alami. Uji dulu di kulit lengan sebelum dipakai.",
    "sayur-buah": "Dipanen sehari sebelum dikirim. Harga bisa berubah mengikuti musim.",
    "pertanian": "Dikirim dari kebun kami di Badung.",
    "jasa": "Jadwal diatur lewat WhatsApp setelah pembayaran.",
}


@dataclass(frozen=True)
class DemoVariant:
    name: str
    price: int
    stock: int


@dataclass(frozen=True)
class DemoProduct:
    title: str
    category: str  # a slug of shops.demo.DEMO_CATEGORIES
    weight_grams: int
    description: str
    variants: tuple[DemoVariant, ...]
    motif: str = ""  # empty: the category's


def product(title: str, category: str, weight_grams: int, description: str, *variants: tuple, motif: str = ""):
    """`product("Kripik", "kripik-camilan", 250, "...", ("250 g", 22000, 40), ("500 g", 40000, 20))`."""
    return DemoProduct(title, category, weight_grams, description, tuple(DemoVariant(*v) for v in variants), motif)


@dataclass(frozen=True)
class DemoShop:
    name: str
    slug: str  # what `shop_create` makes of the name; how a second run recognises the shop
    owner_email: str  # "" for the demo seller passed to the seeder
    owner_name: str
    whatsapp: str
    village_code: str  # Kemendagri code of a village of Badung (51.03)
    street_address: str
    story: str
    colour: tuple[int, int, int]
    approved: bool = True
    nib: str = ""
    pirt_number: str = ""
    halal_certificate_number: str = ""
    verify: tuple[str, ...] = ()  # legal documents the operator verifies: "nib", "halal", "pirt"
    products: tuple[DemoProduct, ...] = field(default_factory=tuple)


def halal_expiry() -> date:
    """A date well in the future (certificates run for years), the same all year so seeding stays stable."""
    return date(timezone.localdate().year + 3, 6, 30)


DEMO_SHOPS: tuple[DemoShop, ...] = (
    DemoShop(
        name="Dapur Sambal Made",
        slug="dapur-sambal-made",
        owner_email="",  # the demo seller
        owner_name="I Made Penjual",
        whatsapp="081238001101",
        village_code="51.03.02.1004",  # Kapal, Mengwi
        street_address="Jl. Raya Kapal No. 27, Banjar Basa",
        story=(
            "Dapur kecil keluarga di Kapal, Mengwi, sejak 2009. Resep sambal matah dan base genep dari "
            "nenek kami, dibuat setiap hari dengan cabai dan bawang dari petani Badung. Kami mempekerjakan "
            "enam ibu dari banjar sekitar."
        ),
        colour=(186, 48, 38),
        nib="9120101234561",
        pirt_number="2065103010127-28",
        halal_certificate_number="ID51110000123450923",
        verify=("nib", "pirt", "halal"),
        products=(
            product(
                "Sambal Matah Botol",
                "sambal-bumbu",
                250,
                "Sambal matah segar: bawang merah, serai, cabai rawit, dan minyak kelapa tanusan. Pedasnya pas "
                "untuk ayam bakar, ikan, atau nasi hangat.",
                ("150 ml", 35000, 40),
                ("250 ml", 52000, 22),
            ),
            product(
                "Sambal Embe Bawang Goreng",
                "sambal-bumbu",
                250,
                "Sambal embe khas Bali dari bawang merah goreng renyah dan cabai, gurih dan harum.",
                ("150 ml", 30000, 35),
                ("250 ml", 45000, 18),
            ),
            product(
                "Sambal Terasi Bakar",
                "sambal-bumbu",
                250,
                "Terasi Bali dibakar dulu sebelum diulek dengan cabai merah dan tomat. Cocok untuk lalapan.",
                ("150 ml", 28000, 0),
                ("250 ml", 42000, 12),
            ),
            product(
                "Sambal Be Tongkol",
                "sambal-bumbu",
                220,
                "Suwiran ikan tongkol dimasak dengan sambal matah dan bumbu Bali. Tinggal tambah nasi.",
                ("200 g", 45000, 20),
            ),
            product(
                "Base Genep Bumbu Lengkap Bali",
                "sambal-bumbu",
                120,
                "Bumbu dasar masakan Bali: kunyit, kencur, lengkuas, jahe, bawang, cabai, dan rempah lain. "
                "Untuk lawar, ayam, dan sayur.",
                ("100 g", 18000, 50),
                ("250 g", 38000, 30),
            ),
            product(
                "Bumbu Ayam Betutu",
                "sambal-bumbu",
                150,
                "Bumbu betutu siap pakai untuk 1 ekor ayam kampung. Lengkap dengan petunjuk memasak.",
                ("1 pak", 25000, 40),
            ),
            product(
                "Bumbu Sate Lilit",
                "sambal-bumbu",
                150,
                "Bumbu sate lilit ikan atau ayam, tinggal campur dengan daging cincang dan kelapa parut.",
                ("1 pak", 25000, 30),
            ),
            product(
                "Kripik Singkong Balado",
                "kripik-camilan",
                260,
                "Singkong dari Mengwi diiris tipis, digoreng renyah, dan dibalur bumbu balado pedas manis.",
                ("250 g", 22000, 60),
                ("500 g", 40000, 30),
            ),
            product(
                "Kripik Pisang Manis",
                "kripik-camilan",
                260,
                "Pisang kepok tua diiris tipis dan digoreng, dengan lapisan gula aren tipis.",
                ("250 g", 25000, 45),
                ("500 g", 45000, 20),
            ),
            product(
                "Kacang Tanah Bawang",
                "kripik-camilan",
                260,
                "Kacang tanah goreng dengan bawang putih dan daun jeruk, renyah dan gurih.",
                ("250 g", 24000, 40),
                ("500 g", 44000, 15),
            ),
            product(
                "Rempeyek Kacang Tanah",
                "kripik-camilan",
                220,
                "Rempeyek tipis dengan kacang tanah dan daun jeruk. Teman makan nasi dan lawar.",
                ("200 g", 20000, 0),
            ),
            product(
                "Serundeng Kelapa Pedas",
                "sambal-bumbu",
                220,
                "Kelapa parut disangrai dengan base genep dan cabai sampai kering dan harum.",
                ("200 g", 27000, 25),
            ),
            product(
                "Paket Oleh-oleh Sambal Trio",
                "oleh-oleh",
                800,
                "Tiga botol sambal andalan kami: matah, embe, dan terasi bakar, dalam kotak anyaman kecil.",
                ("3 botol 150 ml", 95000, 15),
            ),
            product(
                "Minyak Kelapa Tanusan",
                "sambal-bumbu",
                520,
                "Minyak kelapa tradisional Bali (lengis tanusan), dimasak dari santan kelapa tua. Harum untuk "
                "menumis bumbu.",
                ("250 ml", 30000, 30),
                ("500 ml", 55000, 20),
            ),
            product(
                "Garam Laut Bali",
                "sambal-bumbu",
                520,
                "Garam laut dari petani garam di pesisir Bali, dijemur dengan cara tradisional. Butiran halus.",
                ("250 g", 20000, 40),
                ("500 g", 35000, 25),
            ),
        ),
    ),
    DemoShop(
        name="Kopi Pelaga Bu Komang",
        slug="kopi-pelaga-bu-komang",
        owner_email="komang.kopi@pasarumkm.test",
        owner_name="Ni Komang Sri Wahyuni",
        whatsapp="081338002202",
        village_code="51.03.04.2004",  # Pelaga, Petang
        street_address="Banjar Kiadan, Jl. Raya Pelaga",
        story=(
            "Kebun kopi arabika keluarga di lereng Pelaga, 1.200 meter di atas laut. Kami memetik buah "
            "merah saja, menjemurnya di para-para bambu, dan menyangrai sendiri dalam jumlah kecil. "
            "Tergabung dalam Subak Abian Pelaga."
        ),
        colour=(112, 72, 46),
        nib="9120202345672",
        halal_certificate_number="ID51110000234561024",
        verify=("nib", "halal"),
        products=(
            product(
                "Kopi Arabika Pelaga Bubuk",
                "kopi-teh",
                270,
                "Arabika Pelaga sangrai medium, digiling sedang. Rasa cokelat dan jeruk, asam lembut.",
                ("250 g", 65000, 40),
                ("500 g", 120000, 20),
                ("1 kg", 230000, 8),
            ),
            product(
                "Kopi Arabika Pelaga Biji Sangrai",
                "kopi-teh",
                270,
                "Biji utuh sangrai medium untuk digiling sendiri sesaat sebelum diseduh.",
                ("250 g", 70000, 30),
                ("500 g", 130000, 12),
            ),
            product(
                "Kopi Arabika Proses Natural",
                "kopi-teh",
                220,
                "Buah kopi dijemur utuh selama tiga minggu. Rasa buah yang manis, seperti nangka dan anggur.",
                ("200 g", 85000, 15),
            ),
            product(
                "Kopi Arabika Proses Honey",
                "kopi-teh",
                220,
                "Dijemur bersama sebagian lendir buahnya. Manis seperti gula aren, body tebal.",
                ("200 g", 90000, 0),
            ),
            product(
                "Kopi Robusta Bali Bubuk",
                "kopi-teh",
                270,
                "Robusta dari kebun tetangga di Petang, sangrai gelap. Pahit mantap, cocok untuk kopi tubruk.",
                ("250 g", 40000, 50),
                ("500 g", 75000, 25),
            ),
            product(
                "Kopi Jahe Instan",
                "kopi-teh",
                220,
                "Kopi robusta dengan jahe merah dan gula aren, tinggal seduh. Hangat untuk pagi di Pelaga.",
                ("isi 10 sachet", 30000, 35),
            ),
            product(
                "Teh Sereh Wangi",
                "kopi-teh",
                80,
                "Daun serai dari kebun kami, dikeringkan dan dipotong kecil. Seduh dengan air panas 5 menit.",
                ("50 g", 25000, 30),
            ),
            product(
                "Teh Bunga Telang",
                "kopi-teh",
                60,
                "Bunga telang kering, seduhannya biru dan berubah ungu dengan perasan jeruk nipis.",
                ("30 g", 30000, 25),
            ),
            product(
                "Teh Rosella Merah",
                "kopi-teh",
                80,
                "Kelopak rosella kering, seduhannya merah dan segar asam. Enak dingin dengan madu.",
                ("50 g", 32000, 20),
            ),
            product(
                "Madu Kele Hutan Pelaga",
                "makanan-minuman",
                700,
                "Madu lebah kele (klanceng) dari hutan di atas Pelaga. Rasa manis asam yang khas.",
                ("250 ml", 85000, 15),
                ("500 ml", 160000, 6),
            ),
            product(
                "Gula Aren Cair",
                "makanan-minuman",
                350,
                "Gula aren cair tanpa campuran, untuk kopi susu dan es kopi.",
                ("250 ml", 28000, 30),
            ),
            product(
                "Cascara Kulit Kopi",
                "kopi-teh",
                120,
                "Kulit buah kopi arabika yang dikeringkan, diseduh seperti teh. Manis alami, sedikit kafein.",
                ("100 g", 45000, 18),
            ),
            product(
                "Paket Cicip Kopi Pelaga",
                "oleh-oleh",
                400,
                "Tiga kantong 100 g: proses natural, honey, dan full wash. Untuk mengenal rasa kopi Pelaga.",
                ("3 x 100 g", 125000, 12),
            ),
            product(
                "Drip Bag Kopi Arabika",
                "kopi-teh",
                150,
                "Kopi arabika dalam kantong saring sekali pakai: gantung di cangkir dan tuang air panas.",
                ("isi 10", 75000, 25),
            ),
            product(
                "Biji Kopi Hijau Arabika",
                "pertanian",
                1050,
                "Green bean arabika Pelaga untuk penyangrai rumahan dan kedai. Panen tahun ini.",
                ("1 kg", 140000, 20),
            ),
        ),
    ),
    DemoShop(
        name="Jaje Bali Men Sari",
        slug="jaje-bali-men-sari",
        owner_email="men.sari@pasarumkm.test",
        owner_name="Ni Wayan Sari",
        whatsapp="081999003303",
        village_code="51.03.06.2006",  # Dalung, Kuta Utara
        street_address="Jl. Raya Dalung Permai No. 8",
        story=(
            "Men Sari membuat jaje Bali untuk upacara dan arisan sejak 1995. Sekarang dibantu dua anaknya, "
            "jaje uli, laklak, dan pie susu kami dikirim ke seluruh Badung setiap pagi."
        ),
        colour=(196, 84, 128),
        nib="9120303456783",
        pirt_number="2155103020456-26",
        verify=("pirt",),
        products=(
            product(
                "Jaje Uli Ketan Hitam",
                "kue-jajanan-bali",
                520,
                "Uli dari ketan hitam dan kelapa parut, dikukus lalu ditumbuk. Enak dengan tape.",
                ("1 kotak", 25000, 20),
            ),
            product(
                "Jaje Laklak Gula Merah",
                "kue-jajanan-bali",
                420,
                "Laklak hijau daun suji, dimasak di cetakan tanah liat, disiram kinca gula merah dan kelapa.",
                ("isi 10", 20000, 25),
            ),
            product(
                "Pie Susu Bali",
                "kue-jajanan-bali",
                320,
                "Pie susu renyah dengan isi susu dan telur yang lembut, dipanggang setiap hari.",
                ("isi 10", 30000, 60),
                ("isi 25", 70000, 25),
            ),
            product(
                "Pie Susu Cokelat",
                "kue-jajanan-bali",
                320,
                "Pie susu dengan lapisan cokelat di atasnya, favorit anak-anak.",
                ("isi 10", 32000, 40),
            ),
            product(
                "Bantal Ketan Pisang",
                "kue-jajanan-bali",
                420,
                "Ketan isi pisang dibungkus janur dan dikukus. Jaje wajib untuk banten.",
                ("isi 5", 20000, 30),
            ),
            product(
                "Klepon Gula Bali",
                "kue-jajanan-bali",
                320,
                "Klepon hijau isi gula merah Bali yang meleleh, ditabur kelapa parut.",
                ("isi 10", 18000, 35),
            ),
            product(
                "Jaje Begina",
                "kue-jajanan-bali",
                270,
                "Rengginang Bali dari beras ketan, digoreng renyah. Tersedia polos dan warna-warni.",
                ("Polos 250 g", 22000, 25),
                ("Warna 250 g", 24000, 20),
            ),
            product(
                "Jaje Sirat",
                "kue-jajanan-bali",
                270,
                "Jaje sirat berbentuk jaring dari tepung beras, untuk sesajen dan camilan.",
                ("250 g", 25000, 15),
            ),
            product(
                "Jaje Kaliadrem",
                "kue-jajanan-bali",
                270,
                "Kue cincin dari tepung beras dan gula merah, digoreng sampai legit.",
                ("250 g", 24000, 0),
            ),
            product(
                "Dodol Bali Ketan",
                "kue-jajanan-bali",
                270,
                "Dodol ketan dan santan diaduk berjam-jam, dibungkus kulit jagung.",
                ("250 g", 30000, 30),
                ("500 g", 55000, 15),
            ),
            product(
                "Bolu Kukus Pandan",
                "kue-jajanan-bali",
                370,
                "Bolu kukus lembut dengan daun pandan segar.",
                ("isi 6", 25000, 20),
            ),
            product(
                "Tape Ketan Hijau",
                "kue-jajanan-bali",
                520,
                "Tape ketan dengan daun suji, manis dan sedikit asam. Simpan di kulkas.",
                ("500 g", 20000, 18),
            ),
            product(
                "Kue Satu Kacang Hijau",
                "kue-jajanan-bali",
                220,
                "Kue satu dari kacang hijau sangrai, lumer di mulut.",
                ("200 g", 22000, 25),
            ),
            product(
                "Paket Jajan Pasar Bali",
                "kue-jajanan-bali",
                1200,
                "Tiga puluh jaje campur (uli, laklak, bantal, klepon) untuk upacara atau arisan. Pesan H-1.",
                ("isi 30", 95000, 10),
            ),
            product(
                "Pia Kacang Hijau",
                "oleh-oleh",
                420,
                "Pia berkulit lembut dengan isi kacang hijau manis.",
                ("isi 10", 28000, 30),
            ),
        ),
    ),
    DemoShop(
        name="Anyaman Bambu Sangeh",
        slug="anyaman-bambu-sangeh",
        owner_email="nyoman.anyaman@pasarumkm.test",
        owner_name="I Nyoman Sudarma",
        whatsapp="081805004404",
        village_code="51.03.03.2013",  # Sangeh, Abiansemal
        street_address="Banjar Brahmana, Desa Sangeh",
        story=(
            "Kelompok perajin anyaman bambu dan ata di Sangeh. Dua belas ibu dan bapak menganyam di bale "
            "banjar setiap sore; bambu kami ambil dari kebun desa dan ditanam kembali."
        ),
        colour=(188, 148, 58),
        nib="9120404567894",
        verify=("nib",),
        products=(
            product(
                "Tas Ata Bulat",
                "anyaman",
                450,
                "Tas bulat dari anyaman ata yang diasapi, dengan tali kulit dan kancing batok kelapa.",
                ("Diameter 20 cm", 185000, 12),
                ("Diameter 25 cm", 235000, 6),
            ),
            product(
                "Tas Ata Kotak Tutup Kulit",
                "anyaman",
                600,
                "Tas kotak dari ata dengan tutup kulit sapi asli. Kuat untuk dipakai sehari-hari.",
                ("Natural", 275000, 5),
            ),
            product(
                "Keranjang Bambu Serbaguna",
                "anyaman",
                700,
                "Keranjang bambu dengan pegangan, untuk belanja ke pasar, buah, atau cucian.",
                ("Kecil", 45000, 20),
                ("Sedang", 65000, 15),
                ("Besar", 90000, 8),
            ),
            product(
                "Sokasi Bambu Tutup",
                "anyaman",
                500,
                "Sokasi (wadah bertutup) untuk banten dan tempat jajan, dicat tangan motif bunga.",
                ("Diameter 25 cm", 75000, 14),
                ("Diameter 30 cm", 95000, 8),
            ),
            product(
                "Tempat Tisu Anyaman Pandan",
                "anyaman",
                300,
                "Kotak tisu dari anyaman pandan yang dijemur dan diwarnai alami.",
                ("Natural", 55000, 18),
                ("Cokelat", 55000, 10),
            ),
            product(
                "Tatakan Gelas Lidi",
                "anyaman",
                150,
                "Enam tatakan gelas dari lidi kelapa, tahan panas dan mudah dibersihkan.",
                ("isi 6", 35000, 30),
            ),
            product(
                "Tikar Pandan Lipat",
                "anyaman",
                1500,
                "Tikar pandan halus, bisa dilipat untuk piknik, yoga, atau alas duduk di bale.",
                ("90 x 180 cm", 150000, 7),
            ),
            product(
                "Topi Pandan Pantai",
                "anyaman",
                200,
                "Topi lebar dari pandan untuk ke pantai dan ke sawah.",
                ("Natural", 65000, 20),
            ),
            product(
                "Keben Anyaman Lontar",
                "anyaman",
                800,
                "Keben (tempat canang dan perlengkapan sembahyang) dari daun lontar dengan ukiran kecil.",
                ("Sedang", 120000, 6),
            ),
            product(
                "Lampu Gantung Rotan",
                "anyaman",
                900,
                "Kap lampu gantung dari anyaman rotan. Bayangannya indah di dinding saat malam.",
                ("Diameter 30 cm", 210000, 6),
                ("Diameter 40 cm", 260000, 4),
            ),
            product(
                "Tas Pandan Tali Kulit",
                "anyaman",
                400,
                "Tas jinjing dari pandan dengan tali kulit, muat laptop 13 inci.",
                ("Natural", 145000, 9),
                ("Hitam", 150000, 5),
            ),
            product(
                "Tempat Buah Anyaman Bambu",
                "anyaman",
                400,
                "Wadah buah bulat dari bambu, dipernis agar tahan lembap.",
                ("Diameter 30 cm", 60000, 15),
            ),
            product(
                "Kipas Anyaman Bambu",
                "oleh-oleh",
                200,
                "Lima kipas bambu motif Bali, cocok untuk suvenir pernikahan.",
                ("isi 5", 35000, 40),
            ),
            product(
                "Keranjang Laundry Rotan",
                "anyaman",
                2000,
                "Keranjang cucian tinggi dari rotan dengan tutup.",
                ("45 liter", 185000, 0),
            ),
            product(
                "Wadah Canang Bambu",
                "anyaman",
                300,
                "Sepuluh wadah canang dari bambu, bisa dipakai berulang kali.",
                ("isi 10", 25000, 35),
            ),
        ),
    ),
    DemoShop(
        name="Ukir & Perak Jimbaran",
        slug="ukir-dan-perak-jimbaran",
        owner_email="ketut.ukir@pasarumkm.test",
        owner_name="I Ketut Arsana",
        whatsapp="087861005505",
        village_code="51.03.05.1006",  # Jimbaran, Kuta Selatan
        street_address="Jl. Uluwatu No. 45, Jimbaran",
        story=(
            "Bengkel kecil dua bersaudara: Ketut mengukir kayu suar dan jempinis, Kadek mengerjakan perak "
            "925 dengan teknik jawan dan filigri yang kami pelajari di Celuk."
        ),
        colour=(146, 92, 50),
        nib="9120505678905",
        verify=("nib",),
        products=(
            product(
                "Topeng Kayu Barong",
                "ukiran-kayu",
                700,
                "Topeng Barong dari kayu pule, diukir dan dicat tangan dengan warna tradisional.",
                ("20 cm", 250000, 6),
                ("30 cm", 400000, 3),
            ),
            product(
                "Patung Ganesha Kayu Suar",
                "ukiran-kayu",
                1200,
                "Patung Ganesha dari kayu suar dengan serat yang indah, finishing minyak alami.",
                ("15 cm", 175000, 8),
                ("25 cm", 325000, 4),
            ),
            product(
                "Ukiran Dinding Bunga Jepun",
                "ukiran-kayu",
                2500,
                "Panel dinding ukiran bunga jepun (kamboja) dari kayu jati, 60 x 30 cm.",
                ("60 x 30 cm", 450000, 3),
            ),
            product(
                "Tempat Dupa Kayu Ukir",
                "ukiran-kayu",
                200,
                "Tempat dupa panjang dengan ukiran patra, menampung abu dupa.",
                ("Cokelat", 65000, 20),
            ),
            product(
                "Kotak Perhiasan Ukir",
                "ukiran-kayu",
                600,
                "Kotak perhiasan kayu mahoni dengan ukiran di tutupnya dan alas beludru.",
                ("Kecil", 150000, 7),
            ),
            product(
                "Sendok Kayu Sawo",
                "ukiran-kayu",
                250,
                "Empat sendok makan dari kayu sawo, aman untuk makanan.",
                ("isi 4", 55000, 16),
            ),
            product(
                "Gantungan Kunci Kayu Ukir",
                "oleh-oleh",
                200,
                "Sepuluh gantungan kunci kayu motif penyu, jepun, dan barong. Bisa pesan nama.",
                ("isi 10", 40000, 30),
            ),
            product(
                "Jasa Ukir Nama pada Papan Kayu",
                "jasa",
                1000,
                "Kami ukir nama usaha, rumah, atau villa Anda pada papan kayu jati. Kirim teks dan contoh huruf "
                "lewat WhatsApp; pengerjaan 7-10 hari.",
                ("30 x 10 cm", 150000, 10),
                ("50 x 15 cm", 250000, 10),
            ),
            product(
                "Cincin Perak Motif Jawan",
                "perak-perhiasan",
                50,
                "Cincin perak 925 dengan butiran jawan khas Bali.",
                ("Ukuran 16", 285000, 4),
                ("Ukuran 18", 285000, 5),
                ("Ukuran 20", 295000, 2),
            ),
            product(
                "Anting Perak Bunga Jepun",
                "perak-perhiasan",
                50,
                "Anting tusuk perak 925 berbentuk bunga jepun, ringan dipakai seharian.",
                ("Sepasang", 225000, 8),
            ),
            product(
                "Kalung Perak Liontin Penyu",
                "perak-perhiasan",
                60,
                "Kalung rantai perak 45 cm dengan liontin penyu berukir.",
                ("45 cm", 350000, 5),
            ),
            product(
                "Gelang Perak Anyam Bali",
                "perak-perhiasan",
                60,
                "Gelang perak dengan anyaman rantai halus khas perajin Celuk.",
                ("17 cm", 450000, 3),
                ("19 cm", 475000, 3),
            ),
            product(
                "Bros Perak Filigri",
                "perak-perhiasan",
                50,
                "Bros perak dengan teknik filigri (kawat halus), untuk kebaya dan selendang.",
                ("Bunga", 195000, 6),
            ),
            product(
                "Liontin Perak Mutiara",
                "perak-perhiasan",
                50,
                "Liontin perak dengan mutiara air tawar putih.",
                ("Putih", 325000, 0),
            ),
            product(
                "Cincin Perak Polos Pasangan",
                "perak-perhiasan",
                70,
                "Sepasang cincin perak polos, bisa diukir nama di bagian dalam (tulis di catatan pesanan).",
                ("Sepasang", 420000, 6),
            ),
        ),
    ),
    DemoShop(
        name="Endek & Kamen Legian",
        slug="endek-dan-kamen-legian",
        owner_email="ketut.endek@pasarumkm.test",
        owner_name="Ni Ketut Sukerti",
        whatsapp="081246006606",
        village_code="51.03.01.1004",  # Legian, Kuta
        street_address="Jl. Legian Kaja No. 112",
        story=(
            "Toko kain keluarga di Legian sejak 1988. Kami bekerja sama dengan penenun endek di Sidemen dan "
            "menjahit sendiri kemeja, kamen, dan dress dari kain mereka."
        ),
        colour=(30, 90, 160),
        nib="9120606789016",
        verify=(),
        products=(
            product(
                "Kain Endek Motif Cepuk",
                "kain-endek",
                450,
                "Kain endek tenun ikat motif cepuk, 2 x 1,1 meter, untuk kamen atau dijahit kemeja.",
                ("Biru", 385000, 6),
                ("Merah", 385000, 4),
            ),
            product(
                "Kain Endek Songket Benang Emas",
                "kain-endek",
                500,
                "Endek dengan sisipan songket benang emas untuk upacara dan pernikahan.",
                ("Merah marun", 750000, 3),
            ),
            product(
                "Kain Endek Motif Patra",
                "kain-endek",
                450,
                "Endek motif patra (sulur daun), 2 x 1,1 meter.",
                ("Hijau", 325000, 5),
                ("Ungu", 325000, 5),
            ),
            product(
                "Kamen Endek Pria",
                "kain-endek",
                400,
                "Kamen endek siap pakai untuk pria, dengan tepi yang sudah dijahit.",
                ("Cokelat", 275000, 8),
            ),
            product(
                "Selendang Endek",
                "kain-endek",
                150,
                "Selendang (senteng) endek untuk ke pura, 2 meter.",
                ("Kuning", 95000, 15),
                ("Hitam", 95000, 12),
            ),
            product(
                "Kain Endek Sutra",
                "kain-endek",
                400,
                "Endek dari benang sutra, halus dan berkilau. Ditenun satu bulan.",
                ("Biru tua", 1250000, 2),
            ),
            product(
                "Kemeja Endek Pria Lengan Pendek",
                "pakaian",
                300,
                "Kemeja endek katun, potongan reguler, kancing batok kelapa. Dipakai kantor di Bali setiap Selasa.",
                ("M", 245000, 6),
                ("L", 245000, 8),
                ("XL", 255000, 4),
            ),
            product(
                "Dress Endek Wanita",
                "pakaian",
                350,
                "Dress selutut dari kain endek dengan ikat pinggang kain.",
                ("S", 285000, 4),
                ("M", 285000, 5),
                ("L", 295000, 3),
            ),
            product(
                "Udeng Batik Bali",
                "pakaian",
                100,
                "Udeng (ikat kepala pria) siap pakai dari kain batik.",
                ("Merah", 45000, 20),
                ("Putih", 45000, 25),
            ),
            product(
                "Kebaya Brokat Putih",
                "pakaian",
                300,
                "Kebaya brokat putih untuk ke pura, lengan panjang.",
                ("M", 225000, 6),
                ("L", 235000, 4),
            ),
            product(
                "Sarung Pantai Rayon",
                "pakaian",
                200,
                "Sarung pantai rayon yang adem, 1,8 x 1,1 meter.",
                ("Motif Bunga", 55000, 30),
                ("Motif Batik", 55000, 25),
            ),
            product(
                "Kaos Sablon Barong",
                "pakaian",
                200,
                "Kaos katun combed 30s dengan sablon Barong, dicetak di Kuta.",
                ("M", 95000, 10),
                ("L", 95000, 12),
                ("XL", 105000, 0),
            ),
            product(
                "Rok Lilit Endek",
                "pakaian",
                300,
                "Rok lilit dari endek, satu ukuran untuk semua.",
                ("All size", 175000, 7),
            ),
            product(
                "Tas Kecil Kain Endek",
                "oleh-oleh",
                150,
                "Tas kecil beritsleting dari sisa kain endek; tiap tas motifnya berbeda.",
                ("Acak", 85000, 20),
            ),
            product(
                "Jasa Jahit Kemeja dari Kain Anda",
                "jasa",
                400,
                "Kirim kain Anda (2 meter), kami jahitkan kemeja atau dress sesuai ukuran. Selesai dalam 7 hari.",
                ("Kemeja", 150000, 20),
                ("Dress", 175000, 20),
            ),
        ),
    ),
    DemoShop(
        name="Boreh Bali Canggu",
        slug="boreh-bali-canggu",
        owner_email="ayu.boreh@pasarumkm.test",
        owner_name="Ni Made Ayu Lestari",
        whatsapp="081337007707",
        village_code="51.03.06.2005",  # Canggu, Kuta Utara
        street_address="Jl. Pantai Batu Bolong Gg. Nusa Indah No. 3",
        story=(
            "Ayu meracik boreh, lulur, dan minyak pijat dari resep balian (penyembuh) di desanya, dengan "
            "rempah dan kelapa dari petani Badung. Tanpa pewangi buatan."
        ),
        colour=(118, 146, 84),
        nib="9120707890127",
        halal_certificate_number="ID51110000345670125",
        verify=("nib", "halal"),
        products=(
            product(
                "Boreh Bali Rempah",
                "minyak-lulur-bali",
                270,
                "Boreh dari beras, cengkeh, kayu manis, jahe, dan kencur. Menghangatkan badan setelah kerja di "
                "sawah atau berselancar.",
                ("100 g", 45000, 25),
                ("250 g", 95000, 12),
            ),
            product(
                "Lulur Bali Kopi",
                "minyak-lulur-bali",
                270,
                "Lulur dari ampas kopi Bali, gula aren, dan minyak kelapa.",
                ("100 g", 40000, 30),
                ("250 g", 85000, 12),
            ),
            product(
                "Lulur Bengkoang",
                "minyak-lulur-bali",
                120,
                "Lulur bengkoang dan beras untuk kulit yang cerah dan lembut.",
                ("100 g", 40000, 20),
            ),
            product(
                "Minyak Kelapa Murni VCO",
                "minyak-lulur-bali",
                300,
                "Virgin coconut oil diperas dingin, untuk kulit, rambut, dan memasak.",
                ("100 ml", 45000, 30),
                ("250 ml", 95000, 15),
            ),
            product(
                "Minyak Pijat Sereh",
                "minyak-lulur-bali",
                150,
                "Minyak pijat dengan minyak atsiri serai wangi, segar dan mengusir nyamuk.",
                ("100 ml", 55000, 20),
            ),
            product(
                "Minyak Pijat Bunga Jepun",
                "minyak-lulur-bali",
                150,
                "Minyak pijat beraroma bunga jepun (kamboja), menenangkan.",
                ("100 ml", 60000, 18),
            ),
            product(
                "Sabun Batang Kunyit",
                "kecantikan",
                300,
                "Tiga sabun batang cold process dengan kunyit dan minyak kelapa.",
                ("isi 3", 45000, 25),
            ),
            product(
                "Sabun Arang Bambu",
                "kecantikan",
                110,
                "Sabun arang bambu untuk kulit berminyak, dibuat dalam jumlah kecil.",
                ("1 batang", 20000, 30),
                ("isi 3", 55000, 15),
            ),
            product(
                "Lip Balm Madu",
                "kecantikan",
                30,
                "Lip balm dari lilin lebah, madu, dan minyak kelapa.",
                ("10 g", 25000, 40),
            ),
            product(
                "Body Butter Cokelat",
                "kecantikan",
                220,
                "Body butter dari lemak kakao Jembrana dan minyak kelapa.",
                ("150 g", 75000, 14),
            ),
            product(
                "Masker Tanah Liat Bali",
                "kecantikan",
                120,
                "Masker wajah dari tanah liat putih dan kunyit. Campur dengan air atau yogurt.",
                ("100 g", 50000, 16),
            ),
            product(
                "Minyak Rambut Kemiri",
                "minyak-lulur-bali",
                150,
                "Minyak kemiri sangrai untuk rambut hitam dan kuat, resep nenek.",
                ("100 ml", 40000, 22),
            ),
            product(
                "Roll-on Aromaterapi Serai",
                "kecantikan",
                40,
                "Roll-on minyak serai dan kayu putih untuk pegal dan masuk angin.",
                ("10 ml", 35000, 0),
            ),
            product(
                "Paket Spa di Rumah",
                "oleh-oleh",
                900,
                "Boreh, lulur kopi, minyak pijat jepun, dan sabun kunyit dalam kotak hadiah.",
                ("1 kotak", 195000, 10),
            ),
            product(
                "Garam Mandi Rempah",
                "minyak-lulur-bali",
                270,
                "Garam laut Bali dengan serai, daun jeruk, dan bunga telang untuk berendam.",
                ("250 g", 45000, 20),
            ),
        ),
    ),
    DemoShop(
        name="Kebun Carangsari",
        slug="kebun-carangsari",
        owner_email="gede.kebun@pasarumkm.test",
        owner_name="I Gede Wirawan",
        whatsapp="082147008808",
        village_code="51.03.04.2001",  # Carangsari, Petang
        street_address="Banjar Pikah, Desa Carangsari",
        story=(
            "Tiga hektar kebun jeruk, salak, dan sayur organik milik kelompok tani muda Carangsari. Kami juga "
            "membuka kelas memasak dan tur kebun untuk tamu."
        ),
        colour=(70, 146, 58),
        products=(
            product(
                "Jeruk Siam Petang",
                "sayur-buah",
                1100,
                "Jeruk siam manis segar, dipetik saat pesanan masuk.",
                ("1 kg", 25000, 60),
                ("3 kg", 70000, 20),
            ),
            product(
                "Salak Gula Pasir",
                "sayur-buah",
                1100,
                "Salak gula pasir yang manis dan tidak sepet, kulit mudah dikupas.",
                ("1 kg", 30000, 40),
            ),
            product(
                "Alpukat Mentega",
                "sayur-buah",
                1100,
                "Alpukat mentega berdaging tebal dan pulen. Dikirim setengah matang.",
                ("1 kg", 35000, 25),
            ),
            product(
                "Paket Sayur Organik Mingguan",
                "sayur-buah",
                3000,
                "Sayur organik musiman (bayam, kangkung, sawi, buncis, tomat), dikirim setiap Jumat ke Badung "
                "dan Denpasar.",
                ("Paket kecil", 75000, 15),
                ("Paket besar", 130000, 10),
            ),
            product(
                "Stroberi Segar",
                "sayur-buah",
                300,
                "Stroberi dari kebun atas di Pelaga, manis asam. Dikirim dalam kotak mika.",
                ("250 g", 30000, 20),
            ),
            product(
                "Markisa Ungu",
                "sayur-buah",
                1100,
                "Markisa ungu harum untuk jus dan es buah.",
                ("1 kg", 35000, 15),
            ),
            product(
                "Cabai Rawit Merah",
                "sayur-buah",
                300,
                "Cabai rawit merah segar dari kebun, pedas sekali.",
                ("250 g", 20000, 30),
            ),
            product(
                "Bawang Merah Lokal",
                "sayur-buah",
                1100,
                "Bawang merah lokal kecil yang harum, cocok untuk sambal matah.",
                ("1 kg", 45000, 20),
            ),
            product(
                "Kunyit Segar",
                "sayur-buah",
                550,
                "Kunyit segar untuk jamu dan base genep.",
                ("500 g", 15000, 35),
            ),
            product(
                "Jahe Merah",
                "sayur-buah",
                550,
                "Jahe merah segar, pedas dan hangat untuk wedang dan jamu.",
                ("500 g", 25000, 30),
            ),
            product(
                "Bibit Kopi Arabika",
                "pertanian",
                800,
                "Bibit kopi arabika varietas Kopyol umur 6 bulan dalam polybag, siap tanam.",
                ("1 polybag", 15000, 100),
            ),
            product(
                "Pupuk Kompos Organik",
                "pertanian",
                5200,
                "Kompos dari kotoran sapi dan daun, sudah matang dan tidak berbau.",
                ("5 kg", 25000, 40),
                ("10 kg", 45000, 20),
            ),
            product(
                "Manggis",
                "sayur-buah",
                1100,
                "Manggis manis dari pohon tua di kebun kami. Hanya ada saat musim (Desember-Februari).",
                ("1 kg", 40000, 0),
            ),
            product(
                "Kelas Memasak Bumbu Bali",
                "jasa",
                1,
                "Kelas memasak tiga jam di kebun: memetik bahan, membuat base genep, sate lilit, dan lawar. "
                "Voucher dikirim lewat WhatsApp.",
                ("1 orang", 250000, 30),
            ),
            product(
                "Tur Kebun dan Petik Jeruk",
                "jasa",
                1,
                "Jalan-jalan dua jam di kebun dengan pemandu, petik jeruk sendiri (1 kg dibawa pulang).",
                ("1 orang", 75000, 50),
            ),
        ),
    ),
    DemoShop(
        name="Kerajinan Lontar Tuban",
        slug="kerajinan-lontar-tuban",
        owner_email="putu.lontar@pasarumkm.test",
        owner_name="I Putu Gede Artawan",
        whatsapp="081916009909",
        village_code="51.03.01.1001",  # Tuban, Kuta
        street_address="Jl. Raya Tuban Gg. Sekar Jagat No. 5",
        story=(
            "Kami menulis dan menggambar di daun lontar dengan pengrupak, seperti prasi dari Karangasem, "
            "untuk hiasan dinding, pembatas buku, dan kartu ucapan."
        ),
        colour=(150, 110, 60),
        approved=False,  # submitted: waits for an operator's review
        nib="9120808901238",
    ),
)


# --- Seeding ----------------------------------------------------------------------------------------------


@dataclass
class CatalogueResult:
    shops_created: int = 0
    shops_skipped: list[str] = field(default_factory=list)
    products_created: int = 0
    photos_added: int = 0
    seconds: float = 0.0
    shops_approved: int = 0
    shops_submitted: int = 0
    products_active: int = 0

    def summary(self) -> str:
        text = (
            f"{self.shops_approved} approved shops, {self.shops_submitted} waiting for review, "
            f"{self.products_active} active products (this run: {self.shops_created} shops, "
            f"{self.products_created} products, {self.photos_added} photos, {self.seconds:.1f} s)"
        )
        if self.shops_skipped:
            text += f"; skipped (owner already has another shop): {', '.join(self.shops_skipped)}"
        return text


def _seed(text: str) -> int:
    return zlib.crc32(text.encode())


def _owner(spec: DemoShop, seller: User) -> User:
    if not spec.owner_email:
        return seller
    user, created = User.objects.get_or_create(
        email=spec.owner_email, defaults={"full_name": spec.owner_name, "phone": spec.whatsapp}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=spec.owner_email, defaults={"verified": True, "primary": True}
        )
    return user


def _picture(content: bytes, *, kind: str) -> ContentFile:
    """An image through the wizard's path (validate, normalise to WebP), ready for `shop_update_profile`."""
    validated = validate_product_photo(SimpleUploadedFile(kind, content))  # the format is read from the bytes
    try:
        encoded = normalise_photo(validated.image)
    finally:
        validated.image.close()
    return ContentFile(encoded.content, name=f"{kind}-{uuid4().hex}.{encoded.extension}")  # as the wizard names it


def _shop_profile(spec: DemoShop) -> dict:
    village = Village.objects.select_related("district__regency__province").get(code=spec.village_code)
    district = village.district
    profile = {
        "story": spec.story,
        "whatsapp": spec.whatsapp,
        "province": district.regency.province,
        "regency": district.regency,
        "district": district,
        "village": village,
        "street_address": spec.street_address,
        "postal_code": village.postal_code,
        "nib": spec.nib,
        "pirt_number": spec.pirt_number,
        "logo": _picture(demo_photos.shop_logo(name=spec.name, colour=spec.colour), kind="logo"),
        "banner": _picture(demo_photos.shop_banner(colour=spec.colour, seed=_seed(spec.slug)), kind="banner"),
    }
    if spec.halal_certificate_number:
        profile["halal_certificate_number"] = spec.halal_certificate_number
        profile["halal_expires_on"] = halal_expiry()
    return profile


@transaction.atomic
def _seed_shop(spec: DemoShop, *, owner: User, operator: User, result: CatalogueResult) -> Shop | None:
    membership = ShopMember.objects.select_related("shop").filter(user=owner, role=ShopMember.Role.OWNER).first()
    if membership is None:
        shop = shop_create(owner=owner, name=spec.name)
        result.shops_created += 1
    elif membership.shop.slug != spec.slug:
        result.shops_skipped.append(spec.slug)
        return None
    else:
        shop = membership.shop
    if shop.status == Shop.Status.DRAFT:
        shop = shop_update_profile(shop=shop, actor=owner, **_shop_profile(spec))
        shop = shop_submit(shop=shop, actor=owner)
    if spec.approved and shop.status == Shop.Status.SUBMITTED:
        shop = shop_approve(shop=shop, operator=operator)
    missing = [doc for doc in spec.verify if getattr(shop, LEGAL_DOCUMENTS[doc][1]) is None]
    if missing:
        shop = shop_verify_legal(shop=shop, operator=operator, fields=missing)
    return shop


def _description(spec: DemoProduct, village: str) -> str:
    where = f"Lokasi: {village}, Badung." if spec.category == "jasa" else f"Dikirim dari {village}, Badung."
    parts = [spec.description, CATEGORY_NOTES.get(spec.category, ""), where]
    return "\n\n".join(part for part in parts if part)


@transaction.atomic
def _seed_product(
    spec: DemoProduct,
    *,
    shop: Shop,
    owner: User,
    category: Category,
    description: str,
    operator: User,
    photo_edge: int,
) -> Product:
    first, *others = spec.variants
    item = product_create(
        shop=shop,
        actor=owner,
        title=spec.title,
        category=category,
        weight_grams=spec.weight_grams,
        description=description,
        variant_name=first.name,
        price=first.price,
        stock=first.stock,
    )
    for variant in others:
        variant_add(product=item, actor=owner, name=variant.name, price=variant.price, stock=variant.stock)
    colour, motif = CATEGORY_LOOK[spec.category]
    photo = demo_photos.product_photo(
        title=spec.title, colour=colour, motif=spec.motif or motif, seed=_seed(spec.title), edge=photo_edge
    )
    image = product_image_add(
        product=item,
        actor=owner,
        uploaded_file=SimpleUploadedFile(f"{item.slug}.png", photo, content_type="image/png"),
    )
    # Idempotent: the task queued on commit will find the renditions made (see the module docstring).
    make_product_image_renditions(image.pk)
    item = product_publish(product=item, actor=owner)
    if item.moderation == Product.Moderation.PENDING:  # SHOPS_NEW_PRODUCTS_NEED_REVIEW is on
        from .services.moderation import product_approve

        item = product_approve(product=item, operator=operator)
    return item


@contextmanager
def _quiet_seeding() -> Iterator[None]:
    """No mail about made-up shops, and no Celery log line per eager task."""
    trace_logger = logging.getLogger("celery.app.trace")
    level = trace_logger.level
    trace_logger.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            yield
    finally:
        trace_logger.setLevel(level)


def seed_shops_and_products(*, operator: User, seller: User) -> CatalogueResult:
    """Create the demo shops (approved by `operator`, one left waiting for review) and their products, where
    missing. `seller` owns "Dapur Sambal Made". Needs the regions and the demo categories loaded.
    Safe to run again: a second run creates nothing (see the module docstring)."""
    started = time.perf_counter()
    result = CatalogueResult()
    categories = {category.slug: category for category in Category.objects.all()}
    with _quiet_seeding():
        seeded: list[tuple[DemoShop, Shop, User, str, set[str]]] = []
        for spec in DEMO_SHOPS:
            owner = _owner(spec, seller)
            shop = _seed_shop(spec, owner=owner, operator=operator, result=result)
            if shop is None or not spec.products:
                continue
            village = Village.objects.get(code=spec.village_code)
            district = village.district.name
            place = village.name if village.name == district else f"{village.name}, {district}"
            existing = set(shop.products.values_list("title", flat=True))
            seeded.append((spec, shop, owner, place, existing))
        # Round robin over the shops, so the newest products on the storefront come from every shop.
        longest = max((len(spec.products) for spec, *_rest in seeded), default=0)
        for index in range(longest):
            for spec, shop, owner, place, existing in seeded:
                if index >= len(spec.products) or spec.products[index].title in existing:
                    continue
                product_spec = spec.products[index]
                _seed_product(
                    product_spec,
                    shop=shop,
                    owner=owner,
                    category=categories[product_spec.category],
                    description=_description(product_spec, place),
                    operator=operator,
                    photo_edge=demo_photos.SELLER_PHOTO_EDGE if owner == seller else demo_photos.PHOTO_EDGE,
                )
                result.products_created += 1
                result.photos_added += 1
    slugs = [spec.slug for spec in DEMO_SHOPS]
    result.shops_approved = Shop.objects.filter(slug__in=slugs, status=Shop.Status.APPROVED).count()
    result.shops_submitted = Shop.objects.filter(slug__in=slugs, status=Shop.Status.SUBMITTED).count()
    result.products_active = Product.objects.filter(shop__slug__in=slugs, status=Product.Status.ACTIVE).count()
    result.seconds = time.perf_counter() - started
    return result
