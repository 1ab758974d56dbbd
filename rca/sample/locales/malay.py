"""Malay as Malaysians write to support: informal, shortened (``x``, ``tak``), mixed."""

from __future__ import annotations

from rca.sample.locales.base import Locale

__all__ = ["MALAY"]

MALAY = Locale(
    code="ms",
    agent_refs=("agent tu", "staff korang", "CS tu", "akak tu", "abang tu", "korang", "admin"),
    durations=("2 hari", "3 hari", "seminggu", "dua minggu", "5 jam", "semalam", "sebulan"),
    feedback={
        "praise": (
            "terima kasih [banyak|byk|] [sebab tolong saya|atas bantuan|sebab sabar layan saya|]",
            "{agent_ref} [sangat|memang|betul2] [membantu|baik|sabar|cepat|helpful]",
            "[masalah|problem|isu] [dah selesai|settle] [dalam beberapa minit|terus|sekali chat "
            "je]",
            "[servis|service|support] [terbaik|power|mantap|best gila]",
            "[akhirnya|finally] [dapat balik account saya|ada orang yang faham|dapat jawapan]",
            "[respon|reply] [laju|cepat] dan [sopan|jelas|mesra]",
        ),
        "complaint about agent": (
            "{agent_ref} [kurang ajar|sombong|x membantu langsung|macam tak nak layan]",
            "[jawapan|reply] [copy paste|template] je, [tak baca pun|x faham masalah saya]",
            "{agent_ref} asyik suruh [tunggu|reinstall app|buat benda sama]",
            "[takde|tak ada] orang [baca|faham] apa saya tulis",
            "[tutup|close] [tiket|case] saya [padahal|walaupun] masalah [belum|tak] selesai",
            "tunggu {days} [baru dapat reply|tapi takde jawapan pun]",
            "{agent_ref} [tinggalkan|end] chat [macam tu je|sebelum saya habis cakap]",
        ),
        "account issue": (
            "[tak boleh|x boleh|tak dapat] [login|masuk account] [dah|sudah] {days}",
            "account saya kena [hack|godam][, tolong la| dan takde siapa tolong|]",
            "[ada orang|hacker] tukar [email|password|no phone] saya[, macam mana nak recover|]",
            "suruh verify [berkali-kali|banyak kali] tapi tak [bagitau|cakap] macam mana",
            "account [kena suspend|kena ban|disabled] [tanpa sebab|tiba2]",
            "link [reset password|recovery] [tak jalan|tak sampai|x boleh buka]",
        ),
        "payment issue": (
            "[refund|duit|payout] [masih|still] [belum masuk|tak masuk] [dah|lepas] {days}",
            "kena [charge|caj] [dua kali|2 kali] untuk [order|subscription] yang sama",
            "mana [duit|refund] saya[??|?|]",
            "[payout|bayaran creator fund] [tersangkut|pending|on hold] [sejak|dah] {days}",
            "[subscription|langganan] [renew sendiri|kena caj] walaupun dah cancel",
        ),
        "policy question": (
            "kenapa [video|post|live|account] saya [kena buang|kena remove|kena restrict]",
            "saya langgar [rules|garis panduan] yang mana[?|]",
            "boleh ke [buat giveaway|post video reaction|cover lagu]",
            "[peraturan|rules|guideline] korang [mengelirukan|tak konsisten|tak jelas]",
            "berapa lama [proses appeal|nak tunggu appeal] ni",
        ),
        "bug": (
            "app [asyik crash|selalu crash|hang] bila [buka mesej|upload|nak live|buka profile]",
            "[skrin|page] [jadi blank|kosong] [lepas update|since update|tiba2]",
            "[komen|like|mesej] [tak load|hilang|tak boleh hantar] [sejak {days}|lately|]",
            "[search|filter] [rosak|tak jalan] [lagi|kat phone saya|]",
        ),
        "other": (
            "[takde apa|ok je|xde komen|saja nak cakap]",
            "kenapa survey ni [panjang sangat|asyik keluar]",
            "[tolong|pls] tambah [bahasa melayu|app desktop|lebih banyak bahasa]",
            "salah [orang|survey|chat] [kot|rasanya]",
        ),
        "KI-2041": (
            "[butang|button] [payout|withdraw] [hilang|tak nampak] [bila|masa] guna dark mode",
            "dark mode [buat|menyebabkan] button [payout|withdraw] [hilang|tak nampak]",
        ),
        "KI-2057": (
            "upload video [stuck|tersangkut] [kat|pada] 99%",
            "[setiap kali|asyik] upload stuck [kat|pada] 99%[, kena start balik|]",
        ),
        "KI-2063": (
            "notification [lambat|lewat] [berjam-jam|gila] [kat|dekat] android",
            "[takde|tak dapat] notification [kat|dekat] android [sampai buka app|berjam]",
        ),
    },
    extras=(
        (
            "[5 bintang|10/10|memang recommend]",
            "[teruskan|keep it up] [usaha|]",
            "[terima kasih lagi|tq|tqvm]",
            "tadi risau tapi [sekarang ok|dah settle]",
        ),
        (
            "[teruk|hampeh|menyampah] betul",
            "[tolong|pls] [betulkan|fix] [cepat|segera|asap]",
            "[nak|saya nak] [delete app|cancel|tukar app lain]",
            "[app|servis] paling teruk",
            "saya guna ni untuk [kerja|bisnes|hari-hari]",
            "dah [contact|emel|hantar tiket] [dua kali|3 kali] dah",
        ),
    ),
    pii={
        "email": ("[boleh|tolong] [contact|emel] saya [kat|di] {pii}", "email saya {pii}"),
        "phone": ("no [phone|hp|fon] saya {pii}", "[call|whatsapp|wa] saya [kat|di] {pii}"),
    },
    audit={
        "incorrect resolution": (
            "agent [bagi|beri] [resolution|penyelesaian] yang salah",
            "case [ditutup|close] tapi masalah [cust|pelanggan] [belum selesai|tak settle]",
            "jawapan [tak sama|tak match] dengan [apa cust tanya|request cust]",
        ),
        "policy misapplication": (
            "agent guna [policy|SOP] yang salah untuk {policy}",
            "{policy} [policy|guideline] [tak diikut|salah apply]",
        ),
        "tone": (
            "tone [agak|sangat] [kasar|dingin|robotik]",
            "[takde|kurang] empati [langsung|walaupun cust marah|]",
        ),
        "missed verification": (
            "agent [tak|x] verify [identiti|account ownership|pemilik akaun] sebelum [reset "
            "password|tukar email|unlock account]",
            "[skip|langkau] [ID check|KBA|verification] [terus|]",
            "[tiada|takde] verification [langsung|dalam notes]",
        ),
        "incomplete notes": (
            "notes [tak lengkap|kosong|terlalu ringkas]",
            "[takde|tiada] [summary|next steps] dalam [tiket|case]",
        ),
        "wrong macro": (
            "agent guna macro yang salah [untuk isu ni|]",
            "macro {macro} [tak sesuai|tak kena] dengan case ni",
            "copy paste [macro|template] [tanpa edit|bulat-bulat]",
        ),
        "escalation missed": (
            "[sepatutnya|patut] escalate ke [T2|safety team|L2]",
            "[tak|x] escalate [walaupun|padahal] ada [red flag|risiko tinggi]",
        ),
        "stale": (
            "macro {macro} [dah outdated|belum update] lepas policy update {update_month}",
            "[template|reply] [masih bagi|bagi] [langkah|step] lama kat cust",
            "cust [disuruh|kena suruh] guna [email|channel] yang dah [tutup|ditutup] sejak "
            "{update_month}",
            "link dalam [reply|template] [dah mati|tak jalan lagi]",
            "[bukan salah agent|systemic issue], {macro} [perlu|kena] update",
            "jawapan [tak ikut|tak sama dengan] policy baru [sejak|lepas] {update_month}",
            "agent ikut [template|skrip] [bulat-bulat|macam biasa] tapi [info|maklumat] [dah "
            "berubah|tak betul lagi]",
        ),
        "stale_more": (
            "[dah|sudah] [report|inform] [KB team|content team|macro owner]",
            "[jangan|tolong jangan] guna {macro} sampai [dikemaskini|diupdate]",
            "[sama|same] isu kat case agent lain minggu ni",
        ),
        "cohort": (
            "agent [masih|baru] [nesting|new hire|budak baru]",
            "[sama|same] isu [dengan|kat] new joiner [lain|batch {cohort_month}]",
            "[training|onboarding] [tak|kurang] cover [verification|KBA] [dengan baik|]",
        ),
        "reco": (
            "[tolong|pls] [baca|review] [balik|semula] [SOP|KB]",
            "[coaching|coach] [pasal|tentang] [verification|empati|macro]",
            "[bincang|discuss] dengan TL",
        ),
        "positive": (
            "[empati|tone] [bagus|baik|terbaik]",
            "[selesai|settle] dalam [satu|1] [reply|chat]",
            "notes [lengkap|kemas|jelas]",
            "[verify|sahkan] [identiti|ownership] [dengan betul|ikut SOP]",
            "[takde|tiada] isu, [bagus|good job]",
        ),
    },
)
