"""Vietnamese as users write to support: polite ``ạ``, casual ``ko`` for không."""

from __future__ import annotations

from rca.sample.locales.base import Locale

__all__ = ["VIETNAMESE"]

VIETNAMESE = Locale(
    code="vi",
    agent_refs=("nhân viên", "bạn tư vấn", "bạn support", "admin", "bên CSKH", "chị nhân viên"),
    durations=("2 ngày", "3 ngày", "1 tuần", "hai tuần", "5 tiếng", "từ hôm qua", "cả tháng"),
    feedback={
        "praise": (
            "cảm ơn [shop|bạn|các bạn|] [nhiều|rất nhiều] [ạ|nha|nhé] [đã hỗ trợ|]",
            "{agent_ref} [rất nhiệt tình|dễ thương quá|trả lời nhanh|hỗ trợ tận tình] [ạ|]",
            "[vấn đề|lỗi] được giải quyết [nhanh chóng|trong vài phút|ngay trong một lần chat]",
            "dịch vụ [tuyệt vời|quá ok|rất tốt] [luôn|ạ|]",
            "[cuối cùng|may quá] cũng [lấy lại được tài khoản|có người hiểu vấn đề của mình]",
            "trả lời [nhanh|rõ ràng] và [lịch sự|thân thiện]",
        ),
        "complaint about agent": (
            "{agent_ref} [thái độ kém|trả lời cộc lốc|không hỗ trợ gì cả|không quan tâm]",
            "trả lời [như máy|theo mẫu] [, không đọc tin nhắn của mình|]",
            "{agent_ref} cứ bảo [chờ|gỡ app cài lại] hoài",
            "[ko|không] ai [đọc|hiểu] tin nhắn của mình",
            "đóng yêu cầu trong khi vấn đề [chưa được giải quyết|vẫn còn]",
            "chờ {days} [mà không ai trả lời|rồi chỉ được bảo chờ tiếp]",
            "{agent_ref} tự nhiên [thoát chat|ngắt chat] [luôn|giữa chừng]",
        ),
        "account issue": (
            "[ko|không|k] đăng nhập được [tài khoản|acc] {days} rồi",
            "tài khoản bị [hack|chiếm][ giúp mình với| mà ko ai hỗ trợ|]",
            "có người đổi [email|mật khẩu|số điện thoại] của mình[, giờ lấy lại sao|]",
            "bắt xác minh [hoài|nhiều lần] mà [ko|không] nói cách làm",
            "tài khoản bị [khoá|đình chỉ] [vô lý|không rõ lý do]",
            "link [đặt lại mật khẩu|khôi phục] [ko|không] [vào được|hoạt động]",
        ),
        "payment issue": (
            "[tiền hoàn|tiền rút|khoản thanh toán] [chưa về|vẫn chưa nhận được] sau {days}",
            "bị trừ tiền [hai lần|2 lần] cho cùng một [đơn|gói]",
            "tiền [hoàn|của mình] đâu rồi[ạ|??|?]",
            "[payout|tiền rút] bị [treo|giữ lại] {days} rồi",
            "đã huỷ gói mà vẫn bị [trừ tiền|gia hạn]",
        ),
        "policy question": (
            "sao [video|bài đăng|livestream] của mình bị [gỡ|hạn chế][ vậy ạ|]",
            "mình vi phạm quy định nào [vậy ạ|thế]",
            "[tổ chức giveaway|đăng video reaction|cover nhạc] có được không [ạ|]",
            "quy định [khó hiểu|không rõ ràng|không nhất quán] quá",
            "kháng nghị [bao lâu|khi nào] mới có kết quả [ạ|]",
        ),
        "bug": (
            "app [hay bị văng|bị treo] khi [mở tin nhắn|tải lên|livestream]",
            "màn hình [trắng trơn|bị trống] [sau khi cập nhật|liên tục]",
            "[bình luận|lượt thích|tin nhắn] [không hiện|bị mất|không gửi được] [gần đây|mấy hôm "
            "nay]",
            "[tìm kiếm|bộ lọc] [bị lỗi|không hoạt động] [nữa rồi|]",
        ),
        "other": (
            "[ko có gì|bình thường|không ý kiến]",
            "khảo sát [dài quá|hiện lên hoài]",
            "mong có thêm [app cho máy tính|tiếng Việt đầy đủ hơn]",
            "nhầm [người|khảo sát] [rồi|ạ]",
        ),
        "KI-2041": (
            "nút [rút tiền|payout] bị mất khi bật dark mode",
            "bật dark mode là [ko|không] thấy nút [rút tiền|withdraw] đâu",
        ),
        "KI-2057": (
            "tải video lên bị kẹt ở 99% [ạ|]",
            "[lần nào|cứ] upload cũng kẹt ở 99%[, phải làm lại từ đầu|]",
        ),
        "KI-2063": (
            "thông báo [đến trễ|bị chậm] [mấy tiếng|rất lâu] trên Android",
            "[ko|không] có thông báo trên Android [cho tới khi mở app|mấy tiếng liền]",
        ),
    },
    extras=(
        (
            "[5 sao|10 điểm|recommend nha]",
            "[cố lên nha|giữ phong độ nhé]",
            "cảm ơn lần nữa [ạ|nha]",
            "lúc đầu lo lắm mà giờ [ổn rồi|xong rồi]",
        ),
        (
            "[tệ quá|bực mình thật|quá đáng]",
            "[sửa gấp đi|mong sửa sớm|làm ơn sửa giúp]",
            "[chắc xoá app luôn|huỷ gói thôi|chuyển qua app khác]",
            "[app|dịch vụ] tệ nhất",
            "mình dùng cái này [để làm việc|để bán hàng|hằng ngày]",
            "đã [báo|gửi yêu cầu] [hai lần|3 lần] rồi",
        ),
    ),
    pii={
        "email": ("liên hệ mình qua {pii} [nhé|ạ]", "email của mình là {pii}"),
        "phone": ("sđt của mình {pii}", "[gọi|zalo] cho mình số {pii} [nhé|ạ]"),
    },
    audit={
        "incorrect resolution": (
            "agent đưa ra hướng giải quyết sai",
            "đóng case nhưng vấn đề của khách chưa được xử lý",
            "câu trả lời không đúng với yêu cầu của khách",
        ),
        "policy misapplication": (
            "áp dụng sai [chính sách|SOP] cho {policy}",
            "không áp dụng đúng {policy} [policy|guideline]",
        ),
        "tone": (
            "giọng điệu [cộc lốc|lạnh lùng|như robot]",
            "không thể hiện sự đồng cảm [dù khách đang bức xúc|]",
        ),
        "missed verification": (
            "agent không xác minh danh tính khách trước khi [reset mật khẩu|đổi email|mở khoá "
            "tài khoản]",
            "bỏ qua bước [xác minh|KBA|ID check]",
            "không có verify [nào|trong ghi chú]",
        ),
        "incomplete notes": (
            "ghi chú [thiếu|trống|quá sơ sài]",
            "không có [tóm tắt|next steps] trong ticket",
        ),
        "wrong macro": (
            "dùng sai macro [cho case này|]",
            "macro {macro} không phù hợp với case này",
            "copy [macro|template] mà không chỉnh sửa",
        ),
        "escalation missed": (
            "lẽ ra phải escalate lên [T2|safety team|L2]",
            "không escalate dù có [dấu hiệu rủi ro|red flag]",
        ),
        "stale": (
            "macro {macro} [đã cũ|chưa được cập nhật] sau thay đổi chính sách tháng "
            "{update_month_no}",
            "[template|câu trả lời mẫu] vẫn đưa [các bước|hướng dẫn] cũ cho khách",
            "khách được bảo dùng [email|kênh] đã đóng từ tháng {update_month_no}",
            "link trong [câu trả lời|template] [không còn dùng được|đã hỏng]",
            "[không phải lỗi của agent|lỗi hệ thống], cần cập nhật {macro}",
            "câu trả lời không khớp với chính sách mới [từ|sau] tháng {update_month_no}",
            "agent làm đúng theo [template|kịch bản] nhưng thông tin đã thay đổi",
        ),
        "stale_more": (
            "đã báo [team KB|team nội dung|người phụ trách macro]",
            "đừng dùng {macro} cho đến khi được sửa",
            "cùng lỗi này ở case của agent khác tuần này",
        ),
        "cohort": (
            "agent vẫn đang [nesting|là nhân viên mới]",
            "cùng lỗi với các nhân viên mới [khác|đợt tháng {cohort_month_no}]",
            "có vẻ training chưa cover kỹ phần xác minh",
        ),
        "reco": (
            "đọc lại [SOP|bài KB] giúp mình",
            "cần coaching về [xác minh|đồng cảm|chọn macro]",
            "trao đổi với TL trong buổi 1:1",
        ),
        "positive": (
            "[đồng cảm tốt|giọng điệu thân thiện]",
            "giải quyết ngay lần đầu",
            "ghi chú [đầy đủ|rõ ràng]",
            "xác minh danh tính đúng quy trình",
            "không có lỗi[, tốt lắm|, good job]",
        ),
    },
)
