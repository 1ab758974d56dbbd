"""Users' reports of each kind of product bug, per language (templates of `rca.sample.text.expand`).

`BUG_TEXTS[kind][language]` holds several phrasings of one complaint; they do not all use the
same keyword (the SMS code is an "OTP", a "code", a "text", a "kod", a "รหัส"), but every one
contains at least one word of `BUG_MARKERS[kind]` for its language or English, so a report can
be told from ordinary feedback. Local phrasings mix in English product words the way users do
(Taglish, Manglish); whole code-mixed texts are composed by `rca.sample.feedback` from clauses in
both languages. Slot ``{days}`` is a duration in the text's language.
"""

from __future__ import annotations

__all__ = ["BUG_MARKERS", "BUG_TEXTS"]

_SMS: dict[str, tuple[str, ...]] = {
    "en": (
        "[never|still haven't|didn't] [got|get|received|receive] the [code|OTP|verification code|"
        "sms code|login code]",
        "[sms|SMS|text] [code|OTP] [never arrives|doesn't arrive|does not arrive|won't come "
        "through|never comes]",
        "[OTP|otp|verification code] [not arriving|not coming|never comes|doesn't come] [to my "
        "phone|by sms|via SMS|]",
        "[tried|pressed] [resend|'resend code'|send again] [5|10|like 20|so many] times [and "
        "nothing|still nothing|no sms]",
        "[can't|cannot|unable to] [log in|login|verify my number|verify] [because|coz|bc] the "
        "[code|OTP|sms] [never comes|doesn't arrive|isn't sent]",
        "[no|zero] [sms|text message|verification sms] [at all|received|]",
        "[waiting|waited] [an hour|all day|30 min] for the [OTP|code|sms] [to arrive|]",
        "[code|OTP] [expires|expired] before it [arrives|even arrives|comes]",
        "[stuck|stuck on|stuck at] [the|] [verify your phone|enter code|OTP] [screen|step|page]",
    ),
    "ms": (
        "OTP [tak|x] masuk[ langsung|]",
        "[kod|code] [pengesahan|verification] [tak|tidak] sampai",
        "dah [tunggu|tunggu lama] [tapi|tp] [sms|OTP] [tak|x] [dapat|masuk]",
        "dah tekan resend [banyak kali|10 kali] [tapi|tp] [kod|OTP] [masih|still] tak sampai",
        "[tak boleh|x boleh] login sebab [OTP|kod sms] [tak pernah sampai|tak masuk]",
        "[OTP|kod sms] [dah expired|tamat tempoh] sebelum [sampai|masuk]",
        "stuck kat [page|skrin] [OTP|masukkan kod OTP] [dah lama|]",
    ),
    "id": (
        "OTP [tidak|nggak|gak|ga] masuk[ masuk|2|]",
        "kode [verifikasi|OTP] [nggak|tidak|ga] pernah sampai",
        "sms [kode|OTP]nya [gak|nggak] masuk [dari tadi|dari kemarin|]",
        "[udah|sudah] [kirim ulang|resend] [berkali-kali|berkali2] tapi [OTP|kode] "
        "[tetap|tetep] [nggak|gak] [dapat|masuk]",
        "[gak|nggak] bisa login karena [kode|OTP]nya [gak pernah datang|gak masuk]",
        "kode [OTP|verifikasi] [keburu|udah] expired sebelum [masuk|sampai]",
        "[stuck|nyangkut] di [halaman|layar] [masukkan kode|OTP]",
    ),
    "tl": (
        "[hindi|di] [dumadating|dumarating] [yung|ang] [OTP|code]",
        "[ilang|ilang beses] [na|nang] [nag-resend|pinindot resend] wala pa rin [OTP|code]",
        "walang [sms|text] na [dumating|natanggap] [para sa code|sa OTP]",
        "di ako maka-login kasi [hindi dumadating yung OTP|walang code na dumarating]",
        "[nag-expire|expired na] [yung|ang] [code|OTP] bago pa dumating",
        "[stuck|naipit] ako sa [enter code|OTP] [page|screen] [po|]",
    ),
    "th": (
        "OTP ไม่เข้า[เลย|มาสักที|] [ค่ะ|ครับ|]",
        "ไม่ได้รับ[รหัส OTP |SMS ยืนยัน|รหัสยืนยัน][เลย|สักที] [ค่ะ|ครับ|]",
        "กดขอ[รหัส|OTP ]ใหม่[หลายรอบ|สิบรอบ|จนนับไม่ถูก]แล้ว[ก็ยังไม่มา|ยังเงียบ]",
        "[เข้าระบบ|ล็อกอิน]ไม่ได้เพราะ[รหัส OTP |SMS ][ไม่ส่งมา|ไม่เข้า|ไม่มาสักที]",
        "รอ[รหัส| OTP | SMS ]เป็น[ชั่วโมง|ครึ่งวัน|วัน]แล้ว[ยังไม่มา|ก็ยังไม่ได้]",
        "[รหัส|OTP ]หมดอายุก่อน[ที่จะได้รับ|จะมาถึง]",
        "ค้างอยู่หน้า[กรอกรหัส|ใส่ OTP|กรอก OTP] [ค่ะ|ครับ|]",
        "[เบอร์|มือถือ]ไม่ได้รับ SMS [รหัส|OTP ]จาก[แอป|ระบบ]เลย",
    ),
    "vi": (
        "[ko|không|k] nhận được mã OTP [ạ|luôn|]",
        "mã xác [nhận|minh] [ko|không] gửi về [điện thoại|số mình]",
        "bấm gửi lại [mã|OTP] [mấy chục lần|nhiều lần] mà vẫn [ko|không] có [SMS|OTP] nào",
        "[ko|không] đăng nhập được vì [mã OTP|SMS xác nhận] [ko|không] về",
        "đợi [mã OTP|SMS] [cả tiếng|nửa ngày] [vẫn chưa thấy|mà chưa có]",
        "mã [OTP|xác nhận] hết hạn trước khi [nhận được|về tới]",
        "kẹt ở màn hình nhập [mã OTP|mã xác nhận] [ạ|]",
    ),
    "pt": (
        "[o|] [código|codigo|SMS] [não|nao] [chega|chegou]",
        "já [tentei|pedi] [várias|varias] vezes e nada do [código|SMS]",
        "[não|nao] recebo o [código de verificação|SMS de verificação]",
        "não consigo entrar pq o [código|SMS] nunca chega",
        "[apertei|cliquei em] reenviar [umas 10 vezes|mil vezes] e nada do código",
        "o código [expira|vence] antes de chegar",
        "travado na tela de [digitar o código|verificação por SMS]",
    ),
}

_PAYMENT: dict[str, tuple[str, ...]] = {
    "en": (
        "payment [stuck|frozen|hanging] on ['processing'|processing|the processing screen] [for "
        "{days}|forever|]",
        "money [was deducted|got deducted|left my account|was taken from my bank] but [the "
        "coins|my top-up|the order|my subscription] never [showed up|came through|arrived]",
        "[bought|purchased|paid for] [coins|a top-up|gifts|premium] [but|and] it [never got "
        "credited|was never credited|wasn't credited]",
        "[checkout|the payment screen|the pay button] just [spins|keeps spinning|loads forever] "
        "[and then times out|]",
        "[debited|deducted] from my [bank|card|e-wallet] but the app [says|shows] [payment "
        "failed|still processing|pending]",
        "[top up|top-up|recharge] [failed|not credited] [but|although] [my balance went "
        "down|the money is gone]",
    ),
    "ms": (
        "duit dah [kena potong|ditolak] [dari bank|dari kad|] tapi [coins|top up|order] [tak "
        "masuk|belum masuk]",
        "pembayaran saya [stuck|tersangkut] kat [processing|status processing] [dah|sejak] {days}",
        "[topup|top up|reload] [gagal|tak masuk] tapi [baki|duit] [dah berkurang|dah kena potong]",
        "[skrin|halaman] bayaran [asyik loading|pusing je tak berhenti] bila saya [nak top up|beli "
        "coins]",
        "beli coins tapi [tak masuk|tak dapat] walaupun [duit dah kena potong|bank dah potong]",
    ),
    "id": (
        "saldo [udah|sudah] [terpotong|kepotong] tapi [koin|top up|pesanan]nya [gak|nggak|"
        "belum] masuk",
        "pembayaran [nyangkut|stuck] di [processing|sedang diproses] [dari {days}|terus|]",
        "[top up|topup] [gagal|nggak masuk] tapi [uang|saldo] [udah|sudah] [terpotong|kepotong]",
        "[halaman|layar] pembayaran [loading terus|muter-muter terus] [pas top up|waktu beli koin]",
        "[beli|bayar] koin tapi [gak|nggak] masuk[ padahal uang udah kepotong|]",
    ),
    "tl": (
        "[na-deduct|nabawasan] na [yung|ang] [pera|balance] ko pero [wala pa rin|hindi pumasok] "
        "[yung|ang] [coins|top up|order]",
        "stuck sa processing [yung|ang] payment ko [po|] [for {days}|]",
        "[nag-top up|nag-load] ako pero [hindi pumasok|walang pumasok] [po|], [bawas|nabawas] na "
        "sa [GCash|bank] ko",
        "[umiikot lang|loading lang] [yung|ang] payment screen [pag nag-top up|pag bumibili ng "
        "coins] [po|]",
        "bumili ako ng coins pero [hindi na-credit|di pumasok] [po|]",
    ),
    "th": (
        "เงินถูกตัดแล้วแต่[เหรียญ|ยอดเติมเงิน]ยังไม่เข้า [ค่ะ|ครับ|]",
        "[การชำระเงิน|payment]ค้างอยู่ที่[กำลังดำเนินการ|processing][มา{days}แล้ว|]",
        "เติมเงินไม่เข้าแต่[ธนาคาร|บัตร]ตัดเงินไปแล้ว",
        "หน้า[จ่ายเงิน|ชำระเงิน]หมุนค้าง[อยู่นานมาก|ไม่ไปไหน]",
        "ซื้อเหรียญแล้ว[ไม่เข้า|ไม่ได้รับ] [ทั้งที่|แต่]โดนตัดเงินแล้ว",
    ),
    "vi": (
        "nạp [tiền|xu] [rồi|xong] mà [xu|gói nạp] [vẫn chưa về|ko vào tài khoản|không thấy đâu]",
        "thanh toán [bị treo|kẹt] ở [đang xử lý|processing] [mấy ngày rồi|{days}|]",
        "nạp [tiền|xu] [không thành công|ko vào] mà [ngân hàng|thẻ|ví] [đã trừ tiền|vẫn trừ tiền]",
        "màn hình thanh toán [quay mãi|cứ quay vòng vòng] [ko xong|không xong]",
        "mua xu [rồi|xong] mà [ko|không] [nhận được|thấy đâu], tiền thì bị trừ rồi",
    ),
    "pt": (
        "o dinheiro [foi descontado|saiu da conta|foi debitado] mas [as moedas|a recarga|o "
        "pedido] [não caiu|não chegou|nunca apareceu]",
        "pagamento [travado|parado] em processando [faz {days}|há {days}|]",
        "[fiz o pix|paguei no pix] e [não caiu nada|as moedas não caíram|até agora nada]",
        "a tela de pagamento fica [carregando|rodando] [sem parar|pra sempre]",
        "comprei moedas e [não recebi|não caiu], mas [cobraram|o banco debitou]",
    ),
}

_UPLOAD: dict[str, tuple[str, ...]] = {
    "en": (
        "app [crashes|closes|shuts down] [every time|as soon as] I [pick|choose|select] a "
        "[photo|video|pic] from [the gallery|my gallery|camera roll]",
        "[can't|cannot] post [anything|photos|videos|my story], the app [just closes|force "
        "closes|kicks me out]",
        "[tap|press|hit] [post|share|next] [on a video|after editing|] and the app [shuts "
        "down|closes itself|force closes]",
        "[since the update|after updating|for {days}] [opening the gallery|adding a "
        "photo|attaching a video] [crashes|kills] the app",
        "[the app|it] [kicks me out|restarts|goes back to the home screen] [when|whenever] I "
        "[attach|add] [a photo|pictures|a pic]",
    ),
    "ms": (
        "app [tertutup sendiri|tutup sendiri|keluar sendiri] bila [pilih|pick] [gambar|video] "
        "dari galeri",
        "[tak boleh|x boleh] post [gambar|video|story], app [terus tutup sendiri|keluar sendiri]",
        "tekan [post|share] je app [terus tutup sendiri|tertutup|keluar sendiri]",
        "lepas update, [buka galeri|tambah gambar|pilih video dari galeri] [terus crash|app "
        "terus keluar sendiri]",
        "app [restart|keluar] sendiri setiap kali [attach|letak] [gambar|foto]",
    ),
    "id": (
        "aplikasi[nya|] [langsung ketutup|keluar sendiri|force close] pas [pilih|milih] "
        "[foto|video] dari galeri",
        "[gak|nggak] bisa posting [foto|video|story], aplikasinya [langsung ketutup|keluar "
        "sendiri]",
        "tiap [klik|pencet] [posting|bagikan|share] [aplikasinya|appnya] langsung [ketutup|"
        "keluar sendiri|force close]",
        "[sejak|habis] update, [buka galeri|tambah foto|lampirkan video dari galeri] [bikin|"
        "langsung bikin] aplikasi [crash|ketutup]",
        "aplikasi [balik ke beranda|restart sendiri|keluar sendiri] [tiap|setiap] kali "
        "[upload|tambah|lampirkan] [foto|gambar]",
    ),
    "tl": (
        "[nagka-crash|nagsasara|biglang nagsasara] [yung|ang] app [kapag|pag] pumipili ako ng "
        "[photo|picture|video] sa gallery",
        "[hindi|di] ako maka-post ng [picture|video|story] [po|], [nagsasara|nag-ce-crash] "
        "[lang|agad] [yung|ang] app",
        "[pag|kapag] pinindot ko [yung|ang] [post|share] [biglang nagsasara|nagsasara agad] "
        "[yung|ang] app",
        "[simula|mula] nung update, [pag|kapag] nag-attach ako ng [photo|pic] [nagsasara|"
        "nagka-crash] [yung|ang] app",
        "bumabalik ako sa home screen [kapag|pag] [nag-add|nag-attach] ako ng [photo|pic] [po|]",
    ),
    "th": (
        "แอปเด้งออกทุกครั้งที่เลือก[รูป|วิดีโอ]จาก[แกลเลอรี่|อัลบั้ม]",
        "โพสต์[รูป|วิดีโอ|สตอรี่]ไม่ได้ แอป[เด้งออก|ปิดเอง]ตลอด",
        "กด[โพสต์|แชร์]ปุ๊บ แอป[ปิดตัวเอง|เด้งออก]ปั๊บ",
        "หลังอัปเดต [เปิดแกลเลอรี่|แนบรูป]แล้วแอปเด้ง",
        "แอป[แครช|ค้างแล้วปิดเอง]ตอน[แนบ|เพิ่ม]รูป",
    ),
    "vi": (
        "app [tự thoát|tự tắt|văng ra] mỗi khi chọn [ảnh|video] từ [thư viện|album]",
        "[ko|không] đăng được [ảnh|video|story], app [cứ văng ra|tự thoát]",
        "bấm [đăng|chia sẻ] là app [văng|tự tắt] luôn",
        "từ khi cập nhật, [mở thư viện ảnh|thêm ảnh|đính kèm video] là app [bị văng|tự thoát]",
        "app [tự khởi động lại|tự thoát ra ngoài] mỗi lần [đính kèm|thêm] ảnh",
    ),
    "pt": (
        "o app [fecha do nada|crasha|trava e fecha] quando escolho [uma foto|um vídeo] da galeria",
        "não consigo postar [foto|vídeo|story], o app [crasha|fecha do nada] [na hora|toda vez]",
        "[clico|aperto] em [postar|publicar|compartilhar] e o app [fecha do nada|crasha]",
        "depois da atualização, [abrir a galeria|anexar foto|adicionar vídeo da galeria] "
        "[derruba|fecha] o app",
        "o app [reinicia|fecha e reabre] toda vez que [anexo|adiciono] uma foto",
    ),
}

_FREEZE: dict[str, tuple[str, ...]] = {
    "en": (
        "app [freezes|hangs|gets stuck] on the [logo|splash screen|start screen] [and never "
        "opens|forever|]",
        "[can't|cannot] [open|start] the app [at all|anymore|for {days}], [just|only] the logo",
        "[stuck|frozen] on the [loading logo|white logo screen|splash screen] [after the "
        "update|since the update|every time]",
        "[the app|it] [won't|doesn't|will not] open [past|beyond] the [logo|splash screen|start "
        "screen]",
        "[reinstalled|restarted my phone|cleared the cache] [twice|3 times|] and it's still "
        "[frozen|stuck] on the [logo|splash screen]",
        "[opening|launching] the app [just shows|only shows] the logo [and then freezes|then "
        "nothing]",
    ),
    "ms": (
        "app [stuck|tersangkut|beku] kat [logo|skrin logo] [je|sahaja|] [tak boleh masuk|tak "
        "buka2]",
        "[tak boleh|x boleh] buka app [langsung|dah {days}], [asyik|cuma] [logo|skrin putih "
        "dengan logo] je",
        "lepas update app [hang|beku] kat [skrin pembuka|logo] [setiap kali|]",
        "dah [reinstall|restart phone] [tapi|tp] [still|masih] stuck kat logo",
        "buka app [keluar|nampak] logo [je|sahaja] [lepas tu|pastu] [hang|beku]",
    ),
    "id": (
        "aplikasi[nya|] [nge-freeze|macet|stuck] di logo [terus|doang|aja]",
        "[gak|nggak] bisa buka aplikasi [sama sekali|udah {days}], cuma [logo|layar putih sama "
        "logo] [doang|aja]",
        "[habis|sejak] update aplikasinya [hang|macet] di [layar pembuka|logo] [terus|tiap kali]",
        "udah [install ulang|restart hp] tapi [masih|tetep] [nyangkut|stuck] di logo",
        "buka aplikasi [cuma|hanya] [muncul|keluar] logo [terus|lalu] [diem|macet|nge-hang]",
    ),
    "tl": (
        "[nag-freeze|naiipit|stuck] [yung|ang] app sa logo [lang|po]",
        "[hindi|di] ko [mabuksan|ma-open] [yung|ang] app [po|], logo lang [ang lumalabas|yung "
        "lumalabas]",
        "[simula|mula] nung update, [naka-hang|stuck] na [yung|ang] app sa [logo|start screen]",
        "nag-reinstall na ako pero [stuck|hang] pa rin sa logo",
        "[pag|kapag] binubuksan ko [yung|ang] app, logo lang tapos [nagha-hang|nag-freeze|wala na]",
    ),
    "th": (
        "แอปค้างอยู่หน้าโลโก้[ไม่ยอมเข้า|ตลอด] [ค่ะ|ครับ|]",
        "เปิดแอปไม่ได้[เลย|มา{days}แล้ว] [ขึ้นแค่โลโก้|ค้างที่โลโก้]",
        "หลังอัปเดต แอปค้างที่หน้า[โลโก้|เริ่มต้น]ทุกครั้ง",
        "ลบแอปลงใหม่แล้ว[ก็ยัง|ยัง]ค้างที่โลโก้",
        "กดเปิดแอป[แล้วขึ้นแค่โลโก้|ขึ้นโลโก้]แล้ว[ค้าง|นิ่งไปเลย]",
    ),
    "vi": (
        "app [bị treo|đứng hình] ở [logo|màn hình khởi động] [mãi|luôn|]",
        "[ko|không] mở được app [luôn|mấy ngày nay], chỉ hiện logo",
        "từ khi cập nhật app [treo|đơ] ở màn hình [logo|khởi động]",
        "cài lại [rồi|app rồi] mà vẫn [kẹt|treo] ở logo",
        "mở app lên chỉ thấy logo rồi [đơ luôn|treo luôn|không vào được]",
    ),
    "pt": (
        "o app [trava|congela|fica travado] na [logo|tela de abertura] [e não abre|pra sempre|]",
        "não consigo abrir o app [faz {days}|de jeito nenhum], só aparece a logo",
        "depois da atualização o app [trava|congela] na [tela de abertura|logo] toda vez",
        "já reinstalei e [continua|ainda fica] [travado|congelado] na logo",
        "abro o app, aparece a logo e [trava|congela|fica nisso]",
    ),
}

#: Per bug kind and language (ISO 639-1, ``en`` included), the users' complaint templates.
BUG_TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "sms_code": _SMS,
    "payment_stuck": _PAYMENT,
    "upload_crash": _UPLOAD,
    "app_freeze": _FREEZE,
}

#: Per bug kind and language, lower-case words that identify a report of it (one of the
#: language's or of English is in every template above).
BUG_MARKERS: dict[str, dict[str, tuple[str, ...]]] = {
    "sms_code": {
        "en": ("otp", "sms", "code", "resend", "send again", "verify your phone", "text message"),
        "id": ("kode", "kirim ulang"),
        "ms": ("kod ", "pengesahan"),
        "tl": ("dumadating", "dumarating", "natanggap", "walang text", "nag-resend"),
        "pt": ("código", "codigo"),
        "th": ("รหัส",),
        "vi": ("mã xác",),
    },
    "payment_stuck": {
        "en": (
            "processing",
            "deducted",
            "debited",
            "credited",
            "top-up",
            "top up",
            "recharge",
            "spins",
            "spinning",
            "loads forever",
            "left my account",
            "taken from my",
        ),
        "ms": (
            "potong",
            "ditolak",
            "topup",
            "reload",
            "processing",
            "coins",
            "pusing je",
        ),
        "id": (
            "terpotong",
            "kepotong",
            "topup",
            "sedang diproses",
            "koin",
            "muter-muter",
        ),
        "tl": (
            "na-deduct",
            "nabawas",
            "processing",
            "nag-load",
            "coins",
            "umiikot",
            "na-credit",
        ),
        "th": ("ถูกตัด", "เติมเงิน", "เหรียญ", "กำลังดำเนินการ", "หมุนค้าง"),
        "vi": ("nạp", "mua xu", "đang xử lý", "quay mãi", "quay vòng"),
        "pt": (
            "descontado",
            "debitado",
            "debitou",
            "saiu da conta",
            "processando",
            "pix",
            "moedas",
            "carregando",
            "rodando",
        ),
    },
    "upload_crash": {
        "en": (
            "gallery",
            "camera roll",
            "attach",
            "photo",
            "pic",
            "closes",
            "shuts down",
            "kicks me out",
            "force close",
        ),
        "ms": ("galeri", "gambar", "foto", "tertutup", "tutup sendiri", "keluar sendiri"),
        "id": ("galeri", "foto", "gambar", "lampirkan", "ketutup", "keluar sendiri", "force close"),
        "tl": ("gallery", "nagsasara", "nagka-crash", "nag-ce-crash", "photo", "picture"),
        "th": ("เด้งออก", "แอปเด้ง", "ปิดเอง", "ปิดตัวเอง", "แกลเลอรี่", "แครช", "แนบรูป"),
        "vi": ("văng", "tự thoát", "tự tắt", "thư viện", "ảnh"),
        "pt": ("galeria", "foto", "crasha", "derruba o app", "reinicia", "fecha do nada"),
    },
    "app_freeze": {
        "en": ("the logo", "loading logo", "logo screen", "splash screen", "start screen"),
        "ms": ("logo", "skrin pembuka"),
        "id": ("logo", "layar pembuka"),
        "tl": ("logo", "start screen"),
        "th": ("โลโก้", "หน้าเริ่มต้น"),
        "vi": ("logo", "khởi động"),
        "pt": ("a logo", "na logo", "tela de abertura"),
    },
}
