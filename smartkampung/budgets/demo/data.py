"""The invented APBDes 2026 of the demo villages (Sarongan's figures; others are scaled)."""

from __future__ import annotations

from typing import Any

# (account, fund source, description, amount) — Sarongan's figures; other villages are scaled.
REVENUE = [
    ("4.1.2.01", "PAD", "Sewa tanah kas desa", 35_000_000),
    ("4.2.1.01", "DDS", "Dana Desa", 980_000_000),
    ("4.2.2.01", "PBH", "Bagi hasil pajak dan retribusi daerah", 68_000_000),
    ("4.2.3.01", "ADD", "Alokasi Dana Desa", 640_000_000),
    ("4.2.5.01", "PBK", "Bantuan keuangan Kabupaten Banyuwangi", 150_000_000),
    ("4.3.6.01", "DLL", "Bunga bank", 2_500_000),
]
FINANCING = [
    ("6.1.1.01", "DDS", "SiLPA tahun 2025", 45_000_000),
    ("6.2.2.01", "DDS", "Penyertaan modal BUM Desa", 50_000_000),
]
# activity: (location, output, volume, unit, duration, [items])
# item: (description, volume, unit, unit price, source, account, SSH code)
ACTIVITIES: dict[str, tuple[str, str, int, str, str, list[tuple[Any, ...]]]] = {
    "01.01.01": (
        "Kantor Desa",
        "Terbayarnya siltap dan tunjangan Kepala Desa",
        12,
        "bulan",
        "12 bulan",
        [
            ("Penghasilan tetap Kepala Desa", 12, "bulan", 4_500_000, "ADD", "5.1.1.01", None),
            ("Tunjangan Kepala Desa", 12, "bulan", 1_500_000, "ADD", "5.1.1.02", None),
        ],
    ),
    "01.01.02": (
        "Kantor Desa",
        "Terbayarnya siltap dan tunjangan perangkat desa",
        12,
        "bulan",
        "12 bulan",
        [
            ("Penghasilan tetap Sekretaris Desa", 12, "OB", 3_600_000, "ADD", "5.1.2.01", None),
            (
                "Penghasilan tetap Kaur dan Kasi (6 orang)",
                72,
                "OB",
                3_000_000,
                "ADD",
                "5.1.2.01",
                None,
            ),
            (
                "Penghasilan tetap Kepala Dusun (4 orang)",
                48,
                "OB",
                2_700_000,
                "ADD",
                "5.1.2.01",
                None,
            ),
            ("Tunjangan perangkat desa", 132, "OB", 300_000, "ADD", "5.1.2.02", None),
        ],
    ),
    "01.01.03": (
        "Kantor Desa",
        "Kepala desa dan perangkat terlindungi jaminan sosial",
        12,
        "orang",
        "12 bulan",
        [
            ("Iuran BPJS Kesehatan", 144, "OB", 150_000, "ADD", "5.1.3.02", None),
            ("Iuran BPJS Ketenagakerjaan", 144, "OB", 16_800, "ADD", "5.1.3.04", None),
        ],
    ),
    "01.01.04": (
        "Kantor Desa",
        "Operasional pemerintah desa berjalan",
        12,
        "bulan",
        "12 bulan",
        [
            ("Kertas HVS A4 70 gram", 60, "rim", 55_000, "ADD", "5.2.1.01", "SSH-26.3.01"),
            ("Tinta printer", 24, "botol", 95_000, "ADD", "5.2.1.01", "SSH-26.3.02"),
            ("Langganan listrik kantor desa", 12, "bulan", 850_000, "ADD", "5.2.5.01", None),
            ("Langganan internet kantor desa", 12, "bulan", 400_000, "ADD", "5.2.5.05", None),
            (
                "Perjalanan dinas dalam kabupaten",
                60,
                "OH",
                150_000,
                "ADD",
                "5.2.3.01",
                "SSH-26.6.02",
            ),
            ("Lampu LED 15 watt", 20, "buah", 45_000, "ADD", "5.2.1.02", "SSH-26.5.01"),
        ],
    ),
    "01.01.05": (
        "Kantor Desa",
        "Terbayarnya tunjangan BPD",
        7,
        "orang",
        "12 bulan",
        [
            ("Tunjangan Ketua BPD", 12, "OB", 1_200_000, "ADD", "5.1.4.01", None),
            (
                "Tunjangan Wakil Ketua dan Sekretaris BPD",
                24,
                "OB",
                1_000_000,
                "ADD",
                "5.1.4.01",
                None,
            ),
            ("Tunjangan anggota BPD (4 orang)", 48, "OB", 900_000, "ADD", "5.1.4.01", None),
        ],
    ),
    "01.01.07": (
        "Seluruh dusun",
        "Insentif RT/RW terbayar",
        46,
        "orang",
        "12 bulan",
        [
            ("Insentif Ketua RT dan RW (46 orang)", 552, "OB", 100_000, "PBH", "5.2.2.03", None),
        ],
    ),
    "02.01.01": (
        "PAUD Melati",
        "Honor pengajar PAUD terbayar",
        4,
        "orang",
        "12 bulan",
        [
            ("Insentif guru PAUD (4 orang)", 48, "OB", 600_000, "DDS", "5.2.2.03", None),
        ],
    ),
    "02.02.02": (
        "4 Posyandu",
        "Posyandu aktif setiap bulan",
        4,
        "posyandu",
        "12 bulan",
        [
            (
                "Pemberian makanan tambahan balita",
                2_400,
                "paket",
                10_000,
                "DDS",
                "5.2.1.06",
                "SSH-26.8.01",
            ),
            ("Insentif kader posyandu (20 orang)", 240, "OB", 150_000, "DDS", "5.2.2.03", None),
        ],
    ),
    "02.03.10": (
        "Dusun Krajan",
        "Rabat beton jalan desa 600 m × 3 m",
        600,
        "m",
        "4 bulan",
        [
            ("Semen Portland 40 kg", 900, "zak", 72_000, "DDS", "5.3.5.03", "SSH-26.1.01"),
            ("Pasir beton", 110, "m3", 260_000, "DDS", "5.3.5.03", "SSH-26.1.02"),
            ("Batu pecah 2/3", 160, "m3", 310_000, "DDS", "5.3.5.03", "SSH-26.1.03"),
            ("Upah tukang", 300, "HOK", 130_000, "DDS", "5.3.5.02", "SSH-26.2.01"),
            ("Upah pekerja", 900, "HOK", 100_000, "DDS", "5.3.5.02", "SSH-26.2.02"),
            ("Honor Tim Pelaksana Kegiatan (3 orang)", 3, "OK", 1_500_000, "DDS", "5.3.5.01", None),
            ("Sewa molen", 20, "hari", 350_000, "DDS", "5.3.5.04", None),
        ],
    ),
    "02.03.12": (
        "Dusun Sumbermulyo",
        "Rabat beton jalan usaha tani 250 m",
        250,
        "m",
        "3 bulan",
        [
            ("Semen Portland 40 kg", 500, "zak", 72_000, "DDS", "5.3.5.03", "SSH-26.1.01"),
            ("Pasir beton", 60, "m3", 260_000, "DDS", "5.3.5.03", "SSH-26.1.02"),
            ("Batu pecah 2/3", 90, "m3", 310_000, "DDS", "5.3.5.03", "SSH-26.1.03"),
            ("Upah pekerja", 300, "HOK", 100_000, "DDS", "5.3.5.02", "SSH-26.2.02"),
            ("Upah tukang", 80, "HOK", 130_000, "DDS", "5.3.5.02", "SSH-26.2.01"),
        ],
    ),
    "02.03.14": (
        "Dusun Roworejo",
        "Saluran drainase 200 m",
        200,
        "m",
        "3 bulan",
        [
            ("Semen Portland 40 kg", 300, "zak", 72_000, "DDS", "5.3.7.03", "SSH-26.1.01"),
            ("Batu kali", 80, "m3", 280_000, "DDS", "5.3.7.03", None),
            ("Pasir pasang", 40, "m3", 260_000, "DDS", "5.3.7.03", None),
            ("Upah pekerja", 350, "HOK", 100_000, "DDS", "5.3.7.02", "SSH-26.2.02"),
            ("Upah tukang", 120, "HOK", 130_000, "DDS", "5.3.7.02", "SSH-26.2.01"),
        ],
    ),
    "02.03.15": (
        "Balai Desa",
        "Halaman balai desa berpaving 400 m2",
        400,
        "m2",
        "2 bulan",
        [
            ("Paving block 6 cm", 400, "m2", 85_000, "PBK", "5.3.4.03", "SSH-26.1.06"),
            ("Upah pekerja", 200, "HOK", 100_000, "PBK", "5.3.4.02", "SSH-26.2.02"),
            ("Upah tukang", 80, "HOK", 130_000, "PBK", "5.3.4.02", "SSH-26.2.01"),
        ],
    ),
    "03.01.02": (
        "Seluruh dusun",
        "Satlinmas siaga",
        15,
        "orang",
        "12 bulan",
        [
            ("Honor anggota Linmas (15 orang)", 180, "OB", 200_000, "PBK", "5.2.2.05", None),
            ("Seragam Linmas", 15, "stel", 250_000, "PBK", "5.2.1.09", "SSH-26.8.02"),
        ],
    ),
    "03.02.03": (
        "Lapangan desa",
        "Peringatan HUT RI dan bersih desa",
        2,
        "kegiatan",
        "2 hari",
        [
            ("Nasi kotak", 500, "kotak", 30_000, "PAD", "5.2.1.06", "SSH-26.4.02"),
            ("Spanduk dan umbul-umbul", 10, "buah", 150_000, "PAD", "5.2.1.08", None),
        ],
    ),
    "04.02.01": (
        "Kelompok tani se-desa",
        "Bibit kopi dan pupuk tersalurkan",
        8,
        "kelompok",
        "6 bulan",
        [
            ("Bibit kopi robusta", 20_000, "batang", 5_000, "DDS", "5.2.7.05", "SSH-26.7.01"),
            ("Pupuk NPK", 3_000, "kg", 15_000, "DDS", "5.2.1.12", "SSH-26.7.02"),
        ],
    ),
    "04.03.02": (
        "Banyuwangi",
        "Perangkat desa terlatih administrasi keuangan",
        10,
        "orang",
        "3 hari",
        [
            (
                "Pelatihan pengelolaan keuangan desa",
                10,
                "orang",
                1_500_000,
                "PBK",
                "5.2.3.03",
                None,
            ),
        ],
    ),
    "05.03.01": (
        "Seluruh dusun",
        "BLT Dana Desa untuk 60 keluarga",
        60,
        "KPM",
        "12 bulan",
        [
            (
                "Bantuan langsung tunai Dana Desa (60 KPM)",
                720,
                "KPM-bulan",
                300_000,
                "DDS",
                "5.4.1.01",
                None,
            ),
        ],
    ),
}

# Sarongan's requests: (item, amount, month, what it pays for, the head's decision)
DISBURSEMENTS = [
    ("Penghasilan tetap Kepala Desa", 13_500_000, 3, "Siltap Kepala Desa Januari–Maret", "ok"),
    ("Penghasilan tetap Kepala Desa", 13_500_000, 6, "Siltap Kepala Desa April–Juni", "ok"),
    ("Penghasilan tetap Kepala Desa", 13_500_000, 9, "Siltap Kepala Desa Juli–September", "ok"),
    ("Penghasilan tetap Kepala Desa", 4_500_000, 10, "Siltap Kepala Desa Oktober", "pending"),
    (
        "Penghasilan tetap Kaur dan Kasi (6 orang)",
        162_000_000,
        9,
        "Siltap Kaur dan Kasi Januari–September",
        "ok",
    ),
    (
        "Penghasilan tetap Kepala Dusun (4 orang)",
        97_200_000,
        9,
        "Siltap Kepala Dusun Januari–September",
        "ok",
    ),
    ("Semen Portland 40 kg", 64_800_000, 6, "Pembelian semen rabat beton Dusun Krajan", "ok"),
    ("Upah pekerja", 45_000_000, 7, "Upah pekerja rabat beton tahap 1", "ok"),
    ("Pasir beton", 28_600_000, 10, "Pembelian pasir beton Dusun Krajan", "pending"),
    (
        "Bantuan langsung tunai Dana Desa (60 KPM)",
        162_000_000,
        9,
        "BLT Dana Desa Januari–September",
        "ok",
    ),
    ("Pemberian makanan tambahan balita", 12_000_000, 6, "PMT balita semester I", "ok"),
    ("Kertas HVS A4 70 gram", 3_300_000, 2, "Pembelian kertas untuk satu tahun", "reject"),
]

# Sarongan's receipts: (account, fund source, amount, month, description)
RECEIPTS = [
    ("6.1.1.01", "DDS", 45_000_000, 1, "SiLPA tahun 2025"),
    ("4.2.1.01", "DDS", 392_000_000, 3, "Dana Desa tahap I"),
    ("4.2.3.01", "ADD", 320_000_000, 6, "Alokasi Dana Desa Januari–Juni"),
    ("4.2.1.01", "DDS", 392_000_000, 7, "Dana Desa tahap II"),
    ("4.2.2.01", "PBH", 34_000_000, 7, "Bagi hasil pajak dan retribusi semester I"),
    ("4.1.2.01", "PAD", 35_000_000, 2, "Sewa tanah kas desa 2026"),
    ("4.2.3.01", "ADD", 160_000_000, 9, "Alokasi Dana Desa Juli–September"),
]
