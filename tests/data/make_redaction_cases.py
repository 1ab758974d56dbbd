"""Build ``redaction_cases.jsonl``, the labelled test set of `rca.text.redact`, deterministically.

Every case is written in a small markup: ``[[KIND:value]]`` marks one piece of personal data,
everything else is text that must stay. Running this script turns the markup into
``{"text", "spans": [{"start", "end", "kind"}], "split", "source"}`` lines:

- ``split``: ``dev`` cases were written before and while the detectors were built (they were
  used to tune them); ``holdout`` cases were written afterwards, without running the redactor
  on them first, to estimate how it does on text it was not tuned on. First runs: batch 1
  (72 cases, 48 spans) exact-span precision and recall 0.979, overlap 1.000 (an e-mail with an
  apostrophe, ``tom.o'brien@``, was cut short; fixed afterwards); batch 2 (30 cases, 23 spans)
  1.000. Both batches are by the same author as the detectors, so they are still optimistic.
- ``source``: ``hand`` (written one by one) or ``template`` (a sentence frame x a value list).

Usage: ``python tests/data/make_redaction_cases.py`` (rewrites the jsonl next to it; the jsonl
is committed, so the test set only changes when someone edits this file on purpose).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

OUT = Path(__file__).with_name("redaction_cases.jsonl")
MARK = re.compile(r"\[\[(URL|EMAIL|CARD|PHONE|HANDLE|NUMBER):(.+?)\]\]")

# --- hand-written dev cases: auditors' comments, users' feedback, labellers' notes ------------
HAND_DEV = [
    # auditors' comments
    "Agent pasted the customer's full number [[PHONE:+60 12-345 6789]] into the public reply; "
    "critical privacy error.",
    "Customer asked for a callback on [[PHONE:012-345 6789]] but the agent closed the case "
    "without calling.",
    "Verified identity with email [[EMAIL:siti.aminah88@gmail.com]] instead of the registered "
    "phone: wrong SOP (MAC-ACC-004).",
    "Agent confirmed the card ending 1111, fine, but then repeated the full PAN "
    "[[CARD:4111 1111 1111 1111]] in chat. Auto-fail.",
    "Refund for order [[NUMBER:12345678]] was promised in 3-5 business days; actual SLA is 7-10.",
    "User shared their IG handle [[HANDLE:@jane_doe99]] and asked us to look at the impostor "
    "account [[HANDLE:@jane.doe.99_official]].",
    "Escalated to T2 via [[URL:https://support.example.com/tickets/99812?tab=notes]], correct "
    "queue.",
    "Customer's email [[EMAIL:j.smith+orders@mail.example.co.uk]] appears twice in the "
    "transcript, not masked.",
    "Tone was fine (score 85/100) but the agent read back [[PHONE:+1 (415) 555-0132]] in full.",
    "Account [[NUMBER:00987654321]] was unlocked without 2FA; policy P-12 requires an OTP.",
    "Agent linked [[URL:www.example-shop.com.my/refund-policy]], which is the outdated policy "
    "page.",
    "Wrong macro MAC-PAY-017 used; customer had paid $1,250.00 on 2026-03-04 and got a generic "
    "reply.",
    "Callback number [[PHONE:415.555.0132]] was logged in the notes field instead of the secure "
    "field.",
    "Agent told the user to email [[EMAIL:refunds@shop.example.com]] directly, bypassing the "
    "form. Coaching needed.",
    "Step 2 of the SOP skipped: no check of order #[[NUMBER:A1234567]] against the payment log.",
    "Second contact in 24h. Customer gave new mobile [[PHONE:+62 812-3456-7890]] and agent "
    "updated it without OTP.",
    "Good empathy 🙏 but missed that card [[NUMBER:4111 1111 1111 1112]] was typed wrong by the "
    "user (fails checksum).",
    "Agent quoted ticket #[[NUMBER:INC0012345]] from another customer: data leak, critical.",
    "Invoice [[NUMBER:INV-2026-004512]] was re-sent to the wrong address "
    "[[EMAIL:ana.p@example.com.br]].",
    "Audit 2026-02-11: agent used MAC-ACC-004 correctly, 3 of 4 steps done, minor error only.",
    "Marked fail: agent asked the user to DM [[HANDLE:@ShopSupportMY]] instead of staying in "
    "the ticket.",
    "Agent read the full card number [[CARD:5500-0000-0000-0004]] aloud on a recorded line.",
    "User's Amex [[CARD:378282246310005]] appears in the attachment name; should have been masked.",
    "Agent asked the user to confirm acct no. [[NUMBER:99881234]] over chat, against policy.",
    "No PII in the reply. Score 92/100, CSAT 5/5, resolved in 1 contact.",
    "Agent escalated at 14:35 (SLA 2h), case closed 2026-03-05 10:02. All good.",
    "Agent shared ref: [[NUMBER:XK92-2231-77]] with the wrong customer; privacy incident raised.",
    "Customer called from [[PHONE:03-1234 5678]] (landline); agent did not verify.",
    "Transcript shows the customer's WhatsApp [[PHONE:+60 17-234 5678]] and email "
    "[[EMAIL:m.tan@outlook.com]]; both should be masked.",
    "Refund of RM 1,250.00 approved; 3-5 business days communicated correctly.",
    "Macro MAC-ACC-004 v2.3 is outdated, v2.4 went live on 2026-03-01.",
    "Agent told the user to visit [[URL:http://example.com/reset?uid=88123]] which is not our "
    "domain!",
    "Gold label: PII_leak. Post contains [[EMAIL:kevin_99@yahoo.co.id]] and "
    "[[PHONE:0812 3456 7890]].",
    "Customer uses [[PHONE:(11) 91234-5678]] on the account; agent typed it into the public note.",
    "Booking [[NUMBER:BK7781234]] was cancelled without consent.",
    "Sent the reset link to [[EMAIL:first.last@sub.domain.example.org]] without checking the "
    "account owner.",
    "Agent wrote 'call us 24/7' but the hotline runs 9am-6pm, Mon-Fri.",
    "Agent promised 10% off and free shipping (MAC-PROMO-002), not authorised.",
    "Partial: card 4111 **** **** 1111 shown masked, which is allowed.",
    "Agent pasted [[CARD:4012888888881881]] from the payment screen into the internal note.",
    "Tracking no. [[NUMBER:JP123456789MY]] shared with the buyer only, correct.",
    "User's IC no. [[NUMBER:900101-14-5678]] visible in the uploaded screenshot.",
    # users' feedback
    "I have called [[PHONE:0812 3456 7890]] five times and nobody answers!!! 😡",
    "pls call me back at [[PHONE:+62 812-3456-7890]] asap",
    "my card [[CARD:5500-0000-0000-0004]] was charged twice for the same order",
    "Contact me: [[EMAIL:ana.silva@empresa.com.br]] / [[PHONE:+55 11 91234-5678]]",
    "Liguei para [[PHONE:(11) 91234-5678]] e ninguém atendeu. Péssimo atendimento.",
    "saya sudah hubungi nomor [[PHONE:0812-3456-7890]] tapi tidak dijawab",
    "Tolong hubungi saya di [[PHONE:+60 17-234 5678]], terima kasih",
    "Pls text me at [[PHONE:+63 917 123 4567]], salamat po",
    "ring me on [[PHONE:07700 900123]] or [[PHONE:+44 20 7946 0958]] after 6pm please",
    "your agent told me to check [[URL:http://bit.ly/3xYz12]] which looks like phishing",
    "someone is pretending to be me: [[HANDLE:@real_mike_t]] please ban them",
    "Great service!!! 5 stars ⭐⭐⭐⭐⭐ thank you Aisyah",
    "waited 3 days, 2 hours on hold, still no refund of $49.99",
    "Order [[NUMBER:58213377]] never arrived and the tracking page says delivered??",
    "app keeps crashing on iOS 17.4.1 after update 5.12.3",
    "email me at [[EMAIL:JOHN.DOE@EXAMPLE.COM]] not my old one",
    "i paid Rp 1.500.000 but the balance still shows 0",
    "R$ 1.234,56 cobrado duas vezes no cartão final 1234",
    "Why is my account [[NUMBER:7721908834]] blocked?? I did nothing wrong",
    "The chatbot sent me to [[URL:https://help.example.com/en/articles/4412-refunds]] and it is "
    "a 404",
    "follow us on IG [[HANDLE:@kopi.lover]] lol jk, just fix my refund",
    "my number is [[PHONE:09171234567]] pls call",
    "called [[PHONE:1-800-555-0199]] and got disconnected twice",
    "I want to talk to a human!!! not a bot 🤖",
    "the agent gave me wrong info about the 30-day return window",
    "contact: [[PHONE:+65 9123 4567]] (Singapore)",
    "pls refund to card [[CARD:4222222222222]], order [[NUMBER:ORD-99812345]]",
    "ticket 2 of 3 about the same issue, please read the history",
    "<script>alert(1)</script> lol is this safe",
    "<img src=x onerror=alert(1)> test test",
    "javascript:alert(document.cookie) — testing your form",
    "I ❤️ this app but the last update (v3.2.0) broke login",
    "DM me on twitter [[HANDLE:@budi_santoso]] or WA [[PHONE:081234567890]]",
    "scam!!! they asked me to pay to [[URL:www.fast-cash-loan.example.net]] first",
    "Paid ₱2,500.00 via GCash on 03/04/2026 at 10:15am, no confirmation",
    "Atendimento excelente, resolveram em 10 minutos 👏",
    "Pelayanan lambat, sudah 2 minggu belum ada balasan",
    "Hindi pa rin naibabalik ang pera ko, 2 weeks na",
    "my old email [[EMAIL:old_me@hotmail.com]] was hacked, new one is "
    "[[EMAIL:new.me+safe@proton.me]]",
    "you charged RM49.90 twice on 2026-03-02 and 2026-03-03",
    "Meu CPF é [[NUMBER:123.456.789-09]], por favor verifiquem",
    "#1 worst support ever. 0/10",
    "I have sent 4 emails and 12 messages since Q1 2026 with no answer",
    # labellers' notes
    "Model said spam, gold = scam: the message asks the victim to WhatsApp "
    "[[PHONE:+234 803 123 4567]].",
    "Contains a card-like number [[NUMBER:1234 5678 9012 3456]] (fails Luhn); label PII_leak "
    "anyway.",
    "Phishing link [[URL:hxxp://secure-login.example[.]com/verify]] defanged by the reporter.",
    "Model confused refund vs chargeback; gold = chargeback (see policy PAY-07).",
    "Ambiguous: user mentions @ 3pm meeting, not a handle. Label: other.",
    "Text has [[HANDLE:@marco_rossi]] tagged in a harassment post; gold = harassment.",
    "Label noise: 12 of 40 items in batch B-07 were mislabelled as spam.",
    "Gold differs from model on 3 items; the 0.82 kappa is acceptable.",
    "Post advertises loans, call [[PHONE:+60 3-2161 1234]], gold = spam.",
    "Seller profile lists [[EMAIL:deals4u@shop-mail.example.com]] and [[HANDLE:@deals4u_official]]",
    "Message: 'send OTP to [[PHONE:+44 7700 900123]]' -> gold = account takeover attempt.",
    "Duplicate of item 10234, same text, different labeller.",
    "Contains URL [[URL:https://www.example.org/path/to/page.html#section-2]] only, no PII "
    "otherwise.",
    "The note mentions version 2.13.0 and build 4471, irrelevant to the label.",
    "User pasted what looks like a bank account [[NUMBER:1234567890123]] with no context.",
    "Gold = fraud. Victim sent USD 3,400 to account [[NUMBER:0011223344]] at a local bank.",
    "Card [[CARD:6011 1111 1111 1117]] (Discover) appears in the screenshot text.",
    "Reporter: [[EMAIL:t.nguyen@example.vn]], reported user: [[HANDLE:@xx_bad_actor_xx]].",
    "Model 0.91 confidence; gold disagrees. Rubric item 4b.",
    "This is 100% spam, 99.5% of similar posts were removed.",
    # found by probing the detectors (so also tuned on)
    "call [[PHONE:012 - 345 6789]] after 5pm",
    "tel:[[PHONE:+60123456789]]",
    "WA: [[PHONE:62 812 3456 7890]]",
    "Rp1500000 paid, still pending",
    "refund 1500000 rupiah not received",
    "price 1234567 IDR was wrong on the page",
    "#hashtag #2026goals spam wave",
    "Promo runs 01.03.2026 - 31.03.2026.",
    "at 10:30 I tried to call [[PHONE:0123456789]]",
    "IBAN [[NUMBER:GB33BUKB20201555555555]] given by the scammer",
    "passport [[NUMBER:A12345678]] in the upload",
    "SSN [[NUMBER:123-45-6789]] typed in the chat",
    "Account [[NUMBER:4155550132]] was flagged",
    "Reset link went to [[EMAIL:first_last@example.com]] per [[URL:https://example.com/u/123]]",
]

# --- hard negatives: text that looks numeric or markup-like but holds no personal data -------
NEGATIVES = [
    "Audited on 2026-03-04 at 14:35.",
    "Available 24/7 through chat and email.",
    "Refund takes 3-5 business days.",
    "Refund of $1,250.00 issued.",
    "Customer was charged RM 1,250.00 twice.",
    "Paid Rp 1.500.000 via bank transfer.",
    "Cobrança de R$ 1.234,56 no cartão.",
    "CSAT dropped 12.5% month over month.",
    "App version 5.12.3 has the login bug.",
    "Agent used macro MAC-ACC-004 instead of MAC-ACC-005.",
    "Follow step 2 of SOP-PAY-012.",
    "15 tickets were reopened this week.",
    "Handled 1,234 tickets in March.",
    "Meeting moved to 15/03/2026 at 10:30.",
    "Export dated 20260304 from the QA tool.",
    "Timestamp 2026-03-04T10:30:00Z in the log.",
    "Error 0x80070005 when uploading the file.",
    "HTTP 500 on the refund page, error code 404 on the FAQ.",
    "Hold time 1-2 weeks for chargebacks.",
    "Shift 10:30-19:00, break at 14:00.",
    "Score 85/100, target 90/100.",
    "Escalation ratio 3:1 vs last month.",
    "Top 10 reasons for contact in Q1 2026.",
    "1,000,000 users affected by the outage.",
    "ISO 27001 audit due in FY2026.",
    "Updated to iOS 17.4.1 and Android 14.",
    "The <script>alert(1)</script> payload was in the feedback box.",
    "User typed <img src=x onerror=alert(1)> as their name.",
    "Link text was javascript:alert(1) in the report.",
    "Great job 😀👍 keep it up!",
    "Waited 45 min on hold, then 20 min in chat.",
    "Price went from £12.99 to £14.99.",
    "€ 1.299,00 charged instead of € 129,90.",
    "Batch B-07, items 1-40, labelled 2026-03-02.",
    "Kappa 0.82, alpha 0.79, n = 1,450.",
    "See section 4.2.1 of the policy.",
    "Meet @ 3pm to review the calibration.",
    "Ping @everyone and @here before the change.",
    "Macro ids MAC-REF-001 to MAC-REF-019 are retired.",
    "Q4 2025 backlog was 12,500 cases.",
    "Ticket #4521 was a duplicate.",
    "Case 12 of the calibration set.",
    "Agent's 2nd attempt at 11:05 was correct.",
    "1 500 000 views on the viral post.",
    "Rated 4.6/5 by 2,310 users.",
    "<b>bold</b> text pasted from the CRM.",
    "Between 09:00 and 18:00 (GMT+8).",
    "Promo code SAVE20 applied twice.",
    "Rubric v3, item 7b, weight 0.25.",
    "Call volume +15% WoW, AHT -8%.",
]

# --- templates: a frame per sentence, one value per case -------------------------------------
FRAMES = [
    "Customer gave {} as the contact.",
    "{} was shared in the public reply.",
    "Agent repeated {} without masking it",
    "pls contact me via {} thanks",
    "Note: user wrote '{}' in the feedback form.",
    "Verified with {}, per SOP step 3.",
    "Gold = PII_leak; the post contains {}.",
    "saya sudah kirim ke {} kemarin",
    "Liguei/escrevi para {} ontem e nada.",
    "Agent logged {} in the notes at 14:35 on 2026-03-04.",
]
VALUES = {
    "PHONE": [
        "+60 12-345 6789",
        "+60123456789",
        "012-345 6789",
        "012 345 6789",
        "+6012-3456789",
        "03-1234 5678",
        "+60 3-2161 1234",
        "+62 812-3456-7890",
        "0812 3456 7890",
        "0812-3456-7890",
        "+6281234567890",
        "(021) 5551234",
        "021-5551234",
        "+63 917 123 4567",
        "0917 123 4567",
        "09171234567",
        "(02) 8123 4567",
        "+1 (415) 555-0132",
        "(415) 555-0132",
        "415-555-0132",
        "415.555.0132",
        "+1-800-555-0199",
        "+44 20 7946 0958",
        "020 7946 0958",
        "07700 900123",
        "+44 7700 900123",
        "+55 11 91234-5678",
        "(11) 91234-5678",
        "11 91234-5678",
        "+55 (21) 2345-6789",
        "(+60) 12-345 6789",
        "+65 9123 4567",
    ],
    "EMAIL": [
        "jane.doe@example.com",
        "jane.doe+refund@example.com",
        "j_smith@mail.example.co.uk",
        "SITI.AMINAH@EXAMPLE.COM.MY",
        "budi-s@perusahaan.co.id",
        "maria.santos@empresa.com.br",
        "juan_dc@yahoo.com.ph",
        "a.b.c.d@sub.sub.example.org",
        "x@y.io",
        "first.last123@gmail.com",
        "support+ticket-99@help.example.net",
    ],
    "URL": [
        "https://example.com",
        "https://example.com/path?q=1&r=2",
        "http://example.org/a/b/c",
        "www.example.co.uk/help",
        "https://shop.example.com.my/orders/99812",
        "https://bit.ly/3xYz12",
        "HTTPS://EXAMPLE.COM/CAPS",
    ],
    "HANDLE": [
        "@jane_doe99",
        "@kopi.lover",
        "@Budi_S",
        "@maria.santos.br",
        "@x_y_z",
        "@the_real_juan",
        "@AnaPaula22",
    ],
    "CARD": [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111111111111111",
        "5500 0000 0000 0004",
        "5555555555554444",
        "378282246310005",
        "3782 822463 10005",
        "6011 0009 9013 9424",
        "3530111333300000",
        "4000 0566 5566 5556",
    ],
    "NUMBER": [
        "4111 1111 1111 1112",
        "1234-5678-9012-3456",
        "9876543210987654",
        "12345678",
        "987654321",
        "00123456789",
        "order #A1234567",
        "acct 88776655",
        "ref: XK92-2231-77",
        "ticket #INC0012345",
        "invoice INV-2026-004512",
        "account no. 1200456789",
        "order no. 770012345",
        "txn ID TX88231907",
    ],
}
# Some NUMBER values carry their announcing word; only the id itself is the span.
ID_PREFIX = re.compile(
    r"^(?:order #|acct |ref: |ticket #|invoice |account no\. |order no\. |txn ID )"
)
NEGATIVE_VALUES = [
    "2026-03-04",
    "04/03/2026",
    "14:35",
    "$1,250.00",
    "RM 49.90",
    "Rp 1.500.000",
    "12.5%",
    "v2.13.0",
    "MAC-ACC-004",
    "24/7",
    "3-5 business days",
    "step 2",
    "4 tickets",
    "😀",
    "<script>alert(1)</script>",
    "ticket #4521",
    "SOP-PAY-012",
    "+5 points",
    "ISO 9001:2015",
    "R$ 1.234,56",
]

# --- hand-written holdout cases (see module docstring) ---------------------------------------
HAND_HOLDOUT = [
    "Customer DM'd from [[HANDLE:@liz.w_92]] asking why her refund is late.",
    "Agent gave out the branch hotline and also the customer's own mobile "
    "[[PHONE:+60 19-876 5432]] in the group chat.",
    "Please reach me at [[EMAIL:tom.o'brien@example.ie]]",
    "my mobile: [[PHONE:0813-9876-5432]]",
    "Hubungi [[PHONE:+62 21 5550 1234]] untuk info lebih lanjut",
    "Call center told me to call [[PHONE:+63 2 8888 0000]] instead",
    "Order #[[NUMBER:112233445]] is still pending",
    "I used my husband's card [[CARD:5105 1051 0510 5100]] for the order",
    "E-mail: [[EMAIL:dewi_lestari@mail.example.id]]",
    "Agent asked for a selfie and KTP [[NUMBER:3174051234560001]] over chat, not allowed.",
    "Link sent: [[URL:https://pay.example.com/checkout/session/cs_live_a1B2c3D4]].",
    "visit [[URL:www.example.com]]!!!",
    "Instagram: [[HANDLE:@sarah.m.lim]] | TikTok: [[HANDLE:@sarahmlim]]",
    "Agent shared the previous customer's phone [[PHONE:+1 212 555 0187]] by mistake",
    "Tel. [[PHONE:+44 (0)20 7946 0321]]",
    "número: [[PHONE:+55 21 98765-4321]]",
    "WA [[PHONE:0856-1234-5678]] ya kak",
    "pls call [[PHONE:0917-555-1234]] po",
    "my account is [[NUMBER:ACC-00981234]] and it is locked",
    "Reference number: [[NUMBER:RF5512903]]",
    "Your agent Mark ([[EMAIL:mark.j@support.example.com]]) was rude",
    "Payment ID [[NUMBER:PAY-7723-1190]] shows failed",
    "Transaction [[NUMBER:9912837465]] failed twice",
    "AWB [[NUMBER:SPX0123456789]] stuck in the hub",
    "refund to my Visa [[CARD:4539 5787 6362 1486]] please",
    "Card ending 4242 was charged, no full number shown.",
    "My number changed from [[PHONE:012-987 6543]] to [[PHONE:011-2345 6789]]",
    "Email [[EMAIL:SUPPORT@EXAMPLE.COM]] bounced",
    "text [[PHONE:+1 646-555-0143]] for updates",
    "sent screenshots to [[EMAIL:q.a-team@example.co]]",
    "Customer's twitter [[HANDLE:@_nur_aina_]]",
    "Escalate to [[URL:https://jira.example.com/browse/TS-4412]] per the runbook",
    "Email thread with [[EMAIL:l.chen@example.com]] and cc [[EMAIL:ops@example.com]].",
    "Contact: [[PHONE:+61 412 345 678]]",
    "GCash number [[PHONE:0917 888 1234]]",
    "Pix: [[EMAIL:joao.pereira@example.com.br]]",
    "Celular [[PHONE:(21) 98765-4321]]",
    "Account holder [[NUMBER:1029384756]] requested closure",
    "[[EMAIL:aisyah@example.my]] wrote in 3 times about order [[NUMBER:80012345]]",
    "pls contact [[PHONE:+60 12 345 6789]] or [[PHONE:+60 12 345 6780]]",
    "His handle is [[HANDLE:@Mr_Bean_007]], he keeps spamming",
    "User posted [[EMAIL:a.very.long.name.with.dots@subdomain.company-name.example.com]]",
    "Customer ID: [[NUMBER:C-20931847]]",
    "member no. [[NUMBER:M7781203]] asked for a points transfer",
    "Case reopened 3x between 2026-01-15 and 2026-02-28.",
    "Paid USD 1,999.00 on 2 Mar 2026 at 9:41 PM.",
    "Voucher worth RM10 expired on 31/12/2025.",
    "SLA breach: 49h vs 48h target (102%).",
    "Handle time 00:12:45, wrap-up 00:01:30.",
    "Policy TS-POL-2026-03 section 2.1 applies.",
    "Phone model iPhone 15 Pro Max, iOS 18.3.",
    "Ratings: 1★ 12, 2★ 3, 3★ 8, 4★ 20, 5★ 57.",
    "Firmware 10.0.19045.4046 is outdated.",
    "Between 1,000 and 5,000 users in Jakarta saw the bug.",
    "Promo runs 01.03.2026 - 31.03.2026.",
    "The @ symbol was missing from the user's email so it bounced.",
    "Agent ID AG-042 handled 37 chats.",
    "Queue depth peaked at 1,204 at 10:00 GMT+7.",
    "Latency p95 = 1200 ms, p99 = 3400 ms.",
    "Chargeback window is 120 days from 2025-11-01.",
    "Score moved from 78.5 to 83.25 (+4.75).",
    "<div onclick=alert(1)>click</div> was pasted in feedback",
    "Level 3 escalation, priority P1, severity S2.",
    "Hotline hours 8am-10pm; 365 days a year.",
    "1 USD = 4.72 MYR = 16,250 IDR on 2026-03-04.",
    "Model v0.17.4 vs v0.18.0, F1 0.912 vs 0.934.",
    "Tracking shows 3 of 5 parcels delivered.",
    "Batch 2026-W09 had 4,512 items.",
    "50% off, max Rp 25.000, min spend Rp 100.000.",
    "Emoji spam 🔥🔥🔥💯💯 reported 12 times.",
    "+62 market saw 18% more contacts.",
    "Reviewed 2,500,000 rows in 1h 20m.",
    # second holdout batch
    "hi my no. is [[PHONE:012-3456789]]😭😭 pls help",
    "call me:[[PHONE:+60 11-2233 4455]]/[[EMAIL:farah.k@example.com]]",
    "kak tolong cek, no hp saya [[PHONE:0878 1234 5678]]",
    "wa.me link [[URL:https://wa.me/60123456789]] sent by the agent",
    "User: 'my email is [[EMAIL:Lee.Min-Ho@Example.Co.Kr]]' (capitals as typed)",
    "Agent said the card [[CARD:4111111111111111]] is blocked 🙄",
    "ticket no. [[NUMBER:88120045]] + ticket no. [[NUMBER:88120046]] are duplicates",
    "(order [[NUMBER:55667788]])",
    "Agent read back [[PHONE:+1 (646) 555-0199]], customer complained on 2026-03-06.",
    "Fraud ring: [[HANDLE:@cash_king_88]], [[HANDLE:@cashking88]], [[HANDLE:@cash.king.88]]",
    "Contact seller at [[EMAIL:seller123@shop.example.ph]] or [[PHONE:+63 2 8123 4567]]",
    "Meu telefone é [[PHONE:(11) 3456-7890]], fixo",
    "Please update my number to [[PHONE:+44 7911 123456]] thx",
    "UID [[NUMBER:776655443322]] banned for spam",
    "Voucher code FREESHIP50 did not work on order #[[NUMBER:A7788990]]",
    "the link [[URL:http://example.com/track?id=99812&ref=email]] is broken",
    "Agent promised a call at 3pm to [[PHONE:0811-2233-4455]], never happened",
    "Paid RM 1,299.00 with card ending 0004 on 04/03/2026 at 21:14",
    "Gold = impersonation; profile [[URL:https://instagram.com/fake.brand.my]] copies our logo",
    "Version 17.4 (build 21E219) on iPhone 13, 5G off, 4G on.",
    "Policy P-7.3.2 says 14 days, agent said 7 days.",
    "Avg handle time 6m 42s; 98.2% within SLA; 0 critical errors.",
    "NPS +32 (Feb) -> +27 (Mar)",
    "Team MY-KL-02 vs team ID-JKT-01 scores: 88.4 vs 91.0",
    "Hari ini 2026-03-04 jam 10.30 WIB saya sudah bayar Rp 250.000",
    "Ligaram 3 vezes entre 9h e 18h.",
    "user typed <iframe src=javascript:alert(1)> in the bio",
    "+1 for the new macro, -1 for the old one.",
    "Lot 12-3-45 rejected at QC.",
    "Item 1.2.3.4 in the rubric is unclear.",
]


def mark(kind: str, value: str) -> str:
    """Return ``value`` in markup, keeping an id's announcing word outside the span."""
    prefix = ID_PREFIX.match(value) if kind == "NUMBER" else None
    if prefix:
        return f"{prefix.group()}[[{kind}:{value[prefix.end() :]}]]"
    return f"[[{kind}:{value}]]"


def luhn_ok(digits: str) -> bool:
    """Return whether ``digits`` passes the Luhn checksum (to keep CARD labels honest)."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        total += (d * 2 - 9 if d > 4 else d * 2) if i % 2 else d
    return total % 10 == 0


def parse(marked: str) -> tuple[str, list[dict[str, object]]]:
    """Turn markup into plain text and its labelled spans."""
    text, spans, last = "", [], 0
    for m in MARK.finditer(marked):
        text += marked[last : m.start()]
        kind, value = m.group(1), m.group(2)
        digits = "".join(ch for ch in value if ch.isdigit())
        card_shaped = re.fullmatch(r"\d(?:[ -]?\d){12,18}", value) is not None
        if (kind == "CARD") != (card_shaped and luhn_ok(digits)) and kind in ("CARD", "NUMBER"):
            raise ValueError(f"{kind} label disagrees with the Luhn rule: {value}")
        spans.append({"start": len(text), "end": len(text) + len(value), "kind": kind})
        text += value
        last = m.end()
    return text + marked[last:], spans


def cases() -> list[dict[str, object]]:
    """Return every case, in a fixed order."""
    rows: list[tuple[str, str, str]] = [(c, "dev", "hand") for c in HAND_DEV + NEGATIVES]
    i = 0
    for kind, values in VALUES.items():
        for value in values:
            rows.append((FRAMES[i % len(FRAMES)].format(mark(kind, value)), "dev", "template"))
            i += 1
    for j, value in enumerate(NEGATIVE_VALUES):
        rows.append((FRAMES[(j * 3) % len(FRAMES)].format(value), "dev", "template"))
    rows += [(c, "holdout", "hand") for c in HAND_HOLDOUT]
    out = []
    for marked, split, source in rows:
        text, spans = parse(marked)
        out.append({"text": text, "spans": spans, "split": split, "source": source})
    return out


def main() -> None:
    """Write the jsonl file."""
    lines = [json.dumps(case, ensure_ascii=False) for case in cases()]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} cases to {OUT}")


if __name__ == "__main__":
    main()
