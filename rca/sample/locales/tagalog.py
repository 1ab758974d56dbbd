"""Tagalog and Taglish as Filipino users and QA write it (``po``, ``naman``, ``yung``)."""

from __future__ import annotations

from rca.sample.locales.base import Locale

__all__ = ["TAGALOG"]

TAGALOG = Locale(
    code="tl",
    agent_refs=("yung agent", "si ate", "si kuya", "yung CSR", "yung support nyo", "kayo"),
    durations=("2 araw", "3 araw", "isang linggo", "dalawang linggo", "5 oras", "kahapon pa"),
    feedback={
        "praise": (
            "[salamat po|maraming salamat po|thank you po] [sa tulong|sa pag-ayos|sa pasensya]",
            "{agent_ref} [sobrang bait|napakabait|ang bilis sumagot|very helpful] po",
            "[naayos|na-solve] agad [yung problema ko|ang issue] [sa isang chat lang|in minutes]",
            "[ang galing|ang ganda] ng [serbisyo|support] nyo [po|talaga]",
            "[sa wakas|finally] [nabalik na yung account ko|may nakaintindi rin]",
            "[mabilis|malinaw] [at|tsaka] [magalang|mabait] [yung sagot|yung reply]",
        ),
        "complaint about agent": (
            "{agent_ref} [ang bastos|walang pakialam|hindi tumulong] [talaga|naman]",
            "[puro|copy paste lang na] [template|script] [yung sagot|ang reply], hindi binasa",
            "{agent_ref} paulit-ulit [na pinapahintay ako|na pinapa-reinstall ako]",
            "walang [nagbabasa|nakakaintindi] ng [message|reklamo] ko",
            "[cinlose|sinara] [yung ticket|ang case] ko kahit hindi pa naaayos",
            "naghintay ako ng {days} [pero walang sagot|tapos pinaghintay lang ulit]",
            "{agent_ref} [biglang umalis|nag-end] sa chat",
        ),
        "account issue": (
            "[hindi|di] ako makapag-login [ng|for] {days} na",
            "na-hack [yung|ang] account ko[, pa-help po|, walang tumutulong|]",
            "may nagpalit ng [email|password|number] ko[, paano ko ma-recover|]",
            "pinapa-verify ako [ulit-ulit|paulit-ulit] pero di sinasabi kung paano",
            "na-[suspend|ban|disable] [yung|ang] account ko nang walang dahilan",
            "[yung|ang] [reset|recovery] link [ayaw gumana|hindi dumating]",
        ),
        "payment issue": (
            "[yung refund|ang payout|yung withdrawal] ko [wala pa rin|hindi pa pumapasok] after "
            "{days}",
            "[dalawang beses|2x] akong [na-charge|siningil] sa [parehong order|subscription]",
            "nasaan na [yung pera ko|ang refund ko][??|?|]",
            "[naka-hold|stuck|pending] [yung payout ko|ang creator fund ko] [for|ng] {days}",
            "[na-renew|na-charge] [yung|ang] subscription kahit nag-cancel na ako",
        ),
        "policy question": (
            "bakit [tinanggal|na-remove|na-restrict] [yung video|ang post|yung live] ko",
            "anong rule [ba|po] [yung nilabag ko|ang violation ko][?|]",
            "pwede [po ba|ba] mag-[giveaway|post ng reaction video|cover ng kanta]",
            "[nakakalito|hindi malinaw] [yung guidelines|ang rules] nyo",
            "gaano katagal [po|ba] [yung appeal|ang review]",
        ),
        "bug": (
            "[laging nagc-crash|nagha-hang] [yung|ang] app pag [nag-upload|nag-live|binubuksan "
            "messages]",
            "[nagbla-blank|puti lang] [yung|ang] screen [after update|simula nung update]",
            "[hindi nagl-load|nawawala] [yung comments|ang likes|yung messages] [lately|ngayon]",
            "sira [yung search|ang filter] [ulit|na naman]",
        ),
        "other": (
            "[wala naman|okay lang|wala po]",
            "bakit ang haba [ng survey|nito]",
            "[pa-add po|sana may] [dark theme sa web|desktop app|Tagalog na option]",
            "[mali|hindi tama] [yung survey|ang chat] ata",
        ),
        "KI-2041": (
            "[nawawala|hindi makita] [yung|ang] [payout button|withdraw button] pag naka-dark mode",
            "sa dark mode [hindi ko makita|walang] [payout button|withdraw button]",
        ),
        "KI-2057": (
            "[stuck|naipit] sa 99% [yung|ang] [upload ng video|video upload] ko",
            "[laging|palaging] upload stuck sa 99%[, uulit na naman ako|]",
        ),
        "KI-2063": (
            "[late|delayed] [ng ilang oras|masyado] [yung|ang] notifications sa android",
            "walang notifications sa android [hanggang buksan ko yung app|for hours]",
        ),
    },
    extras=(
        (
            "[5 stars po|10/10|recommended talaga]",
            "[more power|keep it up po|ingat kayo]",
            "[salamat ulit|thank you ulit po|ty po]",
            "kinabahan ako pero [okay na|ayos na] ngayon",
        ),
        (
            "[nakakainis|nakakaasar|grabe] na [talaga|naman]",
            "[pakiayos|ayusin nyo] na [po|agad|please]",
            "[ide-delete ko na|mag-cancel na ako|lilipat na ako ng] [app|] [talaga|]",
            "pinakawalang kwentang [app|support]",
            "ginagamit ko ito [sa trabaho|sa negosyo|araw-araw]",
            "[naka-ilang|dalawang beses na akong] [message|ticket|email] [na|]",
        ),
    ),
    pii={
        "email": ("[pa-contact|email] nyo po ako sa {pii}", "[yung|ang] email ko ay {pii}"),
        "phone": ("[number|cp] ko po {pii}", "[tawagan|i-text] nyo ako sa {pii}"),
    },
    audit={
        "incorrect resolution": (
            "mali [yung|ang] resolution na binigay ni agent",
            "[cinlose|sinara] [yung|ang] case pero hindi na-solve [yung|ang] issue ni customer",
            "hindi tugma [yung|ang] sagot sa tanong ni customer",
        ),
        "policy misapplication": (
            "maling [policy|SOP] [yung ginamit|ang na-apply] para sa {policy}",
            "hindi na-apply nang tama [yung|ang] {policy} [policy|guidelines]",
        ),
        "tone": (
            "medyo [bastos|malamig|robotic] [yung|ang] tone",
            "walang empathy [kahit galit na si customer|sa customer|]",
        ),
        "missed verification": (
            "hindi nag-verify si agent ng [identity|account ownership] bago [mag-reset ng "
            "password|palitan ang email|i-unlock ang account]",
            "[ni-skip|nilaktawan] [yung|ang] [ID check|KBA|verification]",
            "walang verification [na ginawa|sa notes]",
        ),
        "incomplete notes": (
            "kulang [yung|ang] notes",
            "walang [summary|next steps] sa [ticket|case]",
        ),
        "wrong macro": (
            "maling macro [yung ginamit|ang na-send]",
            "hindi bagay [yung|ang] macro {macro} sa case na [to|ito]",
            "[kinopya|copy-paste] lang [yung|ang] [macro|template] nang hindi in-edit",
        ),
        "escalation missed": (
            "dapat [in-escalate|ni-route] sa [T2|safety team|L2]",
            "hindi nag-escalate kahit may [red flag|high risk]",
        ),
        "stale": (
            "luma na [yung|ang] macro {macro}, hindi pa na-update after ng {update_month} policy "
            "change",
            "[yung|ang] [template|reply] ay nagbibigay pa rin ng lumang steps sa customer",
            "sinabihan [yung|ang] customer na gumamit ng [email|channel] na sarado na since "
            "{update_month}",
            "patay na [yung|ang] link sa [reply|template] [po|]",
            "[hindi kasalanan ni agent|systemic issue ito], kailangan i-update [yung|ang] {macro}",
            "[hindi|di] na tugma [yung|ang] sagot sa bagong policy [mula|since] {update_month}",
            "sinunod ni agent [yung|ang] [template|script] pero iba na [yung|ang] proseso ngayon",
        ),
        "stale_more": (
            "na-report na sa [KB team|content team|macro owner]",
            "huwag munang gamitin [yung|ang] {macro} hangga't hindi naaayos",
            "ganito rin [yung|ang] nakita sa ibang agents ngayong linggo",
        ),
        "cohort": (
            "[nasa nesting pa si agent|bagong hire pa si agent]",
            "[parehong|same] issue sa ibang new hires [ng|from the] {cohort_month} batch",
            "mukhang hindi [masyadong|] na-cover sa training [yung|ang] verification",
        ),
        "reco": (
            "paki-review ulit [yung|ang] [SOP|KB article]",
            "[kailangan|need] ng coaching sa [verification|empathy|macro selection]",
            "pag-usapan [kasama si TL|sa next 1:1]",
        ),
        "positive": (
            "[ang galing|okay naman] [ng|yung] [empathy|tone]",
            "[na-solve|naayos] [agad|sa unang reply]",
            "[kumpleto|malinis] [yung|ang] notes",
            "[nag-verify|na-verify] nang tama bago [mag-change|gumalaw sa account]",
            "walang issue, [galing ni agent|ayos to]",
        ),
    },
)
