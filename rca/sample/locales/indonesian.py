"""Indonesian as users write it to support: casual (``gak``, ``nggak``, ``udah``, ``kak``)."""

from __future__ import annotations

from rca.sample.locales.base import Locale

__all__ = ["INDONESIAN"]

INDONESIAN = Locale(
    code="id",
    agent_refs=("CS-nya", "mbaknya", "masnya", "adminnya", "agennya", "petugasnya", "kalian"),
    durations=("2 hari", "3 hari", "seminggu", "dua minggu", "5 jam", "dari kemarin", "sebulan"),
    feedback={
        "praise": (
            "[makasih|terima kasih] [banyak|ya] [kak|] [udah dibantu|atas bantuannya|]",
            "{agent_ref} [ramah banget|sabar banget|sangat membantu|cepet banget]",
            "[masalah|kendala]nya [langsung beres|udah selesai|teratasi] [dalam sekali chat|cepet]",
            "[pelayanan|layanan]nya [mantap|keren|the best|memuaskan]",
            "[akhirnya|alhamdulillah] [akun saya balik lagi|ada yang ngerti|dapet jawaban jelas]",
            "[responnya|balasannya] [cepat|cepet] dan [jelas|sopan]",
        ),
        "complaint about agent": (
            "{agent_ref} [jutek|nggak sopan|nggak bantu sama sekali|kayak males ngeladenin]",
            "[jawabannya|balasannya] [template|copas] doang, [gak dibaca|gak nyambung]",
            "{agent_ref} [nyuruh|suruh] [nunggu terus|install ulang|hal yang sama] terus",
            "[gak|nggak] ada yang [baca|ngerti] [pesan|keluhan] saya",
            "tiket saya [ditutup|di-close] padahal [masalahnya|kendalanya] belum beres",
            "udah nunggu {days} [tapi gak ada jawaban|cuma disuruh nunggu]",
            "{agent_ref} [tiba-tiba|main] [ninggalin|nutup] chat",
        ),
        "account issue": (
            "[gak|nggak|tidak] bisa [login|masuk akun] [udah|sudah] {days}",
            "akun saya [kena hack|dibajak][, tolong dibantu|, gak ada yang bantu|]",
            "[ada orang|hacker] [ganti|ubah] [email|password|nomor hp] saya",
            "disuruh verifikasi [terus|berkali-kali] tapi [gak dijelasin|gak tau] caranya",
            "akun [di-suspend|diblokir|dinonaktifkan] tanpa alasan",
            "link [reset password|pemulihan] [gak bisa dibuka|gak jalan|gak pernah dapet]",
        ),
        "payment issue": (
            "[refund|dana|penarikan] [belum masuk|belum cair] [udah|sudah] {days}",
            "[kepotong|ketagih] [dua kali|2x] buat [pesanan|langganan] yang sama",
            "uang saya [mana|kapan balik][??|?|]",
            "[payout|pencairan] [ditahan|pending|nyangkut] [udah|sejak] {days}",
            "langganan [diperpanjang|ketagih] padahal udah [dibatalin|cancel]",
        ),
        "policy question": (
            "kenapa [video|postingan|live|akun] saya [dihapus|diturunin|dibatasi]",
            "saya [melanggar|langgar] aturan yang mana[?|]",
            "boleh [bikin giveaway|upload video reaction|cover lagu] [gak|nggak][?|]",
            "aturannya [gak jelas|bingungin|gak konsisten]",
            "banding[nya|] [berapa lama|kapan] [diproses|ada kabar]",
        ),
        "bug": (
            "aplikasi[nya|] [sering|terus] [force close|crash|nge-hang] [pas|waktu] [buka pesan|"
            "upload|live|buka profil]",
            "[layar|halaman]nya [blank|putih doang] [habis update|setelah update|tiba-tiba]",
            "[komentar|like|pesan] [gak muncul|ilang|gak kekirim] [dari {days}|terus|]",
            "[pencarian|filter] [error|gak jalan] [lagi|]",
        ),
        "other": (
            "[gak ada|nggak ada komentar|biasa aja]",
            "kenapa [survei|form] ini [panjang banget|muncul terus]",
            "[tolong|please] tambahin [aplikasi desktop|bahasa daerah|fitur baru]",
            "salah [orang|survei|chat] kayaknya",
        ),
        "KI-2041": (
            "tombol [payout|withdraw|penarikan] [gak keliatan|hilang] [kalau|pas] pakai dark mode",
            "[di|pakai] dark mode tombol [payout|withdraw]nya [ilang|gak ada]",
        ),
        "KI-2057": (
            "upload video [nyangkut|stuck|mentok] di 99%",
            "[tiap|setiap] upload [selalu|pasti] stuck di 99%[, harus ulang dari awal|]",
        ),
        "KI-2063": (
            "notifikasi [telat|delay] [berjam-jam|banget] di android",
            "[gak ada|nggak dapet] notifikasi di android [sampai buka aplikasi|berjam-jam]",
        ),
    },
    extras=(
        (
            "[bintang 5|10/10|recommended banget]",
            "[pertahankan|sukses terus] ya",
            "[makasih sekali lagi|thx kak|tengkyu]",
            "tadi [panik|khawatir] tapi [sekarang udah aman|udah beres]",
        ),
        (
            "[parah|kacau|nyebelin] banget",
            "tolong [segera diperbaiki|dibenerin|cepet diberesin]",
            "mau [hapus aplikasinya|berhenti langganan|pindah aplikasi lain] aja",
            "[aplikasi|pelayanan] [terburuk|paling parah]",
            "saya [pakai ini buat kerja|jualan di sini|butuh ini tiap hari]",
            "udah [lapor|kirim tiket|email] [dua kali|3x] [sebelumnya|]",
        ),
    ),
    pii={
        "email": ("[bisa|tolong] hubungi saya di {pii}", "email saya {pii}"),
        "phone": ("no [hp|wa|telp] saya {pii}", "[hubungi|wa|telp] saya di {pii}"),
    },
    audit={
        "incorrect resolution": (
            "agent [kasih|memberi] solusi yang salah",
            "tiket [ditutup|di-close] tapi masalah [customer|user] belum [selesai|beres]",
            "jawaban [tidak sesuai|gak nyambung] dengan [pertanyaan|permintaan] customer",
        ),
        "policy misapplication": (
            "agent pakai [kebijakan|SOP] yang salah untuk {policy}",
            "[kebijakan|policy] {policy} [tidak diterapkan dengan benar|salah diterapkan]",
        ),
        "tone": (
            "nada [terlalu|agak] [ketus|dingin|kaku]",
            "[kurang|tidak ada] empati [ke customer|padahal customer marah|]",
        ),
        "missed verification": (
            "agent [tidak|belum] verifikasi [identitas|kepemilikan akun] sebelum [reset password|"
            "ganti email|buka blokir akun]",
            "[skip|lewatin] [cek ID|KBA|verifikasi] [langsung|]",
            "[tidak ada|gak ada] verifikasi [sama sekali|di catatan]",
        ),
        "incomplete notes": (
            "catatan [tidak lengkap|kosong|terlalu singkat]",
            "[tidak ada|gak ada] [ringkasan|next step] di tiket",
        ),
        "wrong macro": (
            "agent pakai macro yang salah [untuk kasus ini|]",
            "macro {macro} [tidak cocok|gak sesuai] [untuk|dengan] kasus ini",
            "copas [macro|template] [tanpa diedit|mentah-mentah]",
        ),
        "escalation missed": (
            "[harusnya|seharusnya] dieskalasi ke [T2|tim safety|L2]",
            "[tidak|gak] eskalasi padahal ada [red flag|risiko tinggi]",
        ),
        "stale": (
            "macro {macro} [udah|sudah] [outdated|usang] sejak update kebijakan {update_month}",
            "[template|balasan]nya masih kasih [langkah|step] yang lama ke customer",
            "customer disuruh pakai [email|channel] yang [udah|sudah] ditutup sejak {update_month}",
            "link di [balasan|template] [udah mati|nggak bisa dibuka lagi]",
            "[bukan salah agent|masalah sistemik], {macro} [harus|perlu] diupdate",
            "jawaban [nggak|tidak] sesuai kebijakan baru [sejak|setelah] {update_month}",
            "agent [ikutin|mengikuti] [template|skrip] apa adanya tapi [infonya|isinya] [udah|"
            "sudah] berubah",
        ),
        "stale_more": (
            "[udah|sudah] [dilaporkan|diinfokan] ke [tim KB|tim konten|pemilik macro]",
            "jangan pakai {macro} dulu sampai diperbaiki",
            "[kasus|masalah] yang sama [muncul|ada] di agent lain minggu ini",
        ),
        "cohort": (
            "agent masih [nesting|karyawan baru|baru masuk]",
            "[sama|pola yang sama] [dengan|di] agent baru [lain|batch {cohort_month}]",
            "[training|onboarding] [kurang|belum] bahas [verifikasi|KBA] [dengan baik|]",
        ),
        "reco": (
            "tolong [baca ulang|review] [SOP|artikel KB]",
            "perlu coaching [soal|tentang] [verifikasi|empati|pemilihan macro]",
            "[dibahas|diskusi] dengan TL",
        ),
        "positive": (
            "[empati|tone]nya [bagus|oke banget|mantap]",
            "[selesai|beres] dalam [satu|1] [balasan|chat]",
            "catatan [lengkap|rapi|jelas]",
            "verifikasi [identitas|kepemilikan] [sudah benar|sesuai SOP]",
            "[tidak ada|gak ada] temuan, [mantap|good job]",
        ),
    },
)
