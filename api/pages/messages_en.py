"""The English catalogue of the pages, keyed by the Vietnamese text (api/pages/i18n.py)."""

from __future__ import annotations

ENGLISH: dict[str, str] = {
    # layout, errors
    "Bỏ qua, đến nội dung chính": "Skip to the main content",
    "Điều hướng": "Navigation",
    "Việc cần làm": "Worklist",
    "Đăng xuất": "Sign out",
    "Không thực hiện được": "That did not work",
    "Về trang đầu": "Back to the start",
    "Biểu mẫu đã hết hạn hoặc không gửi từ trang của hoso. Hãy tải lại trang và thử lại.": (
        "The form has expired or was not sent from a hoso page. Reload the page and try again."
    ),
    # sign-in
    "Đăng nhập": "Sign in",
    "Đăng nhập cán bộ": "Officer sign-in",
    "Mã cán bộ": "Officer id",
    "Mật khẩu": "Password",
    "Tiếp tục": "Continue",
    "Mã xác thực": "Verification code",
    "Mã 6 chữ số trong ứng dụng xác thực": "The 6-digit code of your authenticator app",
    "Cài đặt xác thực hai lớp": "Set up two-step verification",
    "Lần đăng nhập đầu tiên: quét mã QR bằng ứng dụng xác thực (Google Authenticator, Microsoft"
    " Authenticator, FreeOTP…), rồi nhập mã 6 chữ số ứng dụng hiện ra.": (
        "First sign-in: scan the QR code with an authenticator app (Google Authenticator,"
        " Microsoft Authenticator, FreeOTP…), then enter the 6-digit code it shows."
    ),
    "Mã QR để cài đặt ứng dụng xác thực": "QR code to set up the authenticator app",
    "Không quét được? Nhập khóa này vào ứng dụng:": "Cannot scan it? Enter this key in the app:",
    "Xác nhận và đăng nhập": "Confirm and sign in",
    "Mã cán bộ, mật khẩu hoặc mã xác thực không đúng.": (
        "Wrong officer id, password or verification code."
    ),
    "Đăng nhập sai quá nhiều lần: tài khoản tạm khóa đến %(until)s.": (
        "Too many failed sign-ins: the account is locked until %(until)s."
    ),
    "Phiên đăng nhập đã hết: hãy nhập lại mật khẩu.": (
        "The sign-in expired: enter your password again."
    ),
    "Hãy đăng nhập qua HTTPS.": "Sign in over HTTPS.",
    "Tra cứu hồ sơ (người dân, doanh nghiệp)": "Follow a dossier (citizens, businesses)",
    # worklist
    "Hồ sơ chờ tôi xử lý": "Dossiers waiting for me",
    "Hồ sơ chờ tôi xử lý, hạn gần nhất trước": "Dossiers waiting for me, soonest due first",
    "Thủ tục": "Procedure",
    "Trạng thái": "Status",
    "Thời hạn": "Due",
    "Tất cả": "All",
    "Sắp đến hạn": "At risk",
    "Quá hạn": "Overdue",
    "Lọc": "Filter",
    "Số hồ sơ": "Counts",
    "hồ sơ": "dossiers",
    "quá hạn": "overdue",
    "sắp đến hạn": "at risk",
    "bước của tôi": "my stage",
    "lấy ý kiến": "consultations",
    "phiếu hội đồng": "council votes",
    "Mã hồ sơ": "Dossier code",
    "Bước": "Stage",
    "Việc": "Waiting for",
    "Hạn của bước": "Stage due",
    "Hẹn trả kết quả": "Due date",
    "Tình trạng": "State",
    "Trang sau": "Next page",
    "Không có hồ sơ nào chờ bạn.": "No dossier is waiting for you.",
    "Bộ lọc không hợp lệ.": "The filter is not valid.",
    # dossier
    "Hồ sơ": "Dossier",
    "phiên bản": "version",
    "Cơ quan": "Agency",
    "Bước hiện tại": "Current stage",
    "Chờ ý kiến": "Awaiting the opinion of",
    "Nộp lúc": "Submitted",
    "Tiếp nhận lúc": "Received",
    "hẹn lần đầu": "first due",
    "Thời gian đã dùng": "Time used",
    "Còn lại": "Time left",
    "%(n)s ngày làm việc": "%(n)s working days",
    "Trễ %(n)s ngày làm việc": "%(n)s working days late",
    "Hình thức trả kết quả": "Delivery",
    "Cần bổ sung": "To supplement",
    "Người nộp": "Applicant",
    "Họ và tên": "Name",
    "Số định danh": "Personal id number",
    "Điện thoại": "Phone",
    "Địa chỉ": "Address",
    "Kênh tiếp nhận": "Received via",
    "Chưa có trong sổ.": "Not in the register yet.",
    "Thành phần hồ sơ": "Documents",
    "Biểu mẫu đã phát hành": "Forms issued",
    "có dấu của cơ quan": "sealed by the agency",
    "Chưa có biểu mẫu.": "No form yet.",
    "Ý kiến cơ quan được hỏi": "Opinions of the consulted agencies",
    "Quá trình xử lý": "Timeline",
    "Không có hồ sơ này, hoặc bạn không được xem hồ sơ này.": (
        "There is no such dossier, or you may not see it."
    ),
    # citizens
    "Tra cứu hồ sơ": "Follow a dossier",
    "Nhập mã hồ sơ và mã tra cứu in trên phiếu tiếp nhận và hẹn trả kết quả.": (
        "Enter the dossier code and the lookup secret printed on your receipt."
    ),
    "Mã tra cứu": "Lookup secret",
    "Tra cứu": "Look up",
    "Kết thúc lúc": "Closed",
    "Nộp phần bổ sung tại bộ phận một cửa hoặc trên cổng dịch vụ công nơi bạn đã nộp hồ sơ; thời"
    " gian chờ bổ sung không tính vào thời hạn giải quyết.": (
        "Bring what is missing to the one-stop counter, or send it on the public service portal"
        " where you applied; the time waiting for it does not count against the due date."
    ),
    "Tải kết quả (PDF)": "Download the result (PDF)",
    "Tra cứu hồ sơ khác": "Follow another dossier",
    "Không tìm thấy hồ sơ với mã và mã tra cứu này. Hãy kiểm tra lại phiếu tiếp nhận.": (
        "No dossier with this code and lookup secret. Check your receipt."
    ),
    # statuses, roles, waiting, delivery, events
    "Đã nộp": "Submitted",
    "Đã tiếp nhận": "Received",
    "Đang giải quyết": "In review",
    "Chờ bổ sung": "Awaiting supplement",
    "Từ chối tiếp nhận": "Refused",
    "Đã phê duyệt": "Approved",
    "Không phê duyệt": "Rejected",
    "Đang trả kết quả": "Delivering",
    "Đã trả kết quả": "Completed",
    "Đã rút": "Withdrawn",
    "Đã hủy": "Cancelled",
    "Cán bộ một cửa": "Reception officer",
    "Chuyên viên": "Specialist",
    "Trưởng phòng": "Head of division",
    "Giám đốc": "Director",
    "Phó Giám đốc": "Deputy director",
    "Chủ tịch": "Chairman",
    "Phó Chủ tịch": "Vice chairman",
    "Công chức hộ tịch": "Civil status officer",
    "Chuyên gia": "Expert",
    "Vận hành hệ thống": "Operator",
    "Bước của tôi": "My stage",
    "Lấy ý kiến": "Consultation",
    "Phiếu hội đồng": "Council vote",
    "Trực tuyến": "Online",
    "Bưu chính": "By post",
    "Tại bộ phận một cửa": "At the counter",
    "Nộp hồ sơ": "Submitted",
    "Tiếp nhận": "Accepted",
    "Yêu cầu bổ sung": "Supplement requested",
    "Đồng ý, chuyển bước": "Approved, forwarded",
    "Trả lại bước trước": "Returned",
    "Đề nghị không phê duyệt": "Refusal proposed",
    "Đồng ý (lấy ý kiến)": "Concurred",
    "Không đồng ý (lấy ý kiến)": "Objected",
    "Bổ sung hồ sơ": "Supplemented",
    "Rút hồ sơ": "Withdrawn",
    "Hủy hồ sơ": "Cancelled",
    "Xác nhận đã trả kết quả": "Delivery confirmed",
    "Xin lỗi, hẹn lại ngày trả": "Apology, new due date",
    "Phát hành biểu mẫu": "Form issued",
    "Chuyển kết quả": "Result handed over",
    "Gửi thông báo": "Notified",
    "Kết thúc": "Closed",
    "Hết hạn bước": "Stage deadline passed",
    "Lỗi": "Failed",
    "Đang thử lại": "Retrying",
    "Thời gian của bước": "Stage time",
    "Hoàn tất": "Done",
    "Nạp khóa tin cậy": "Trust anchors loaded",
    "Quá thời gian chờ": "Timed out",
    "Dừng hẳn": "Terminated",
    "Chạy lại từ một điểm": "Reset",
    "Tiếp tục ở lượt mới": "Continued as new",
    "Hẹn giờ": "Timer",
    "Thao tác của cán bộ": "Officer's action",
    "Thông qua": "Pass",
    "Thông qua, cần chỉnh sửa": "Pass with revisions",
    "Không thông qua": "Fail",
    # the action panel
    "Xử lý hồ sơ": "Act on the dossier",
    "Thao tác": "Action",
    "Trả lại bước (khi trả lại)": "Return to stage (when returning)",
    "Giấy tờ cần bổ sung (mỗi dòng một mục, khi yêu cầu bổ sung)": (
        "What is missing (one item a line, when requesting a supplement)"
    ),
    "Ý kiến (bắt buộc khi từ chối, trả lại, không đồng ý)": (
        "Comment (required to refuse, return or object)"
    ),
    "Ký và gửi": "Sign and send",
    "Đang ký và gửi…": "Signing and sending…",
    "Không gửi được thao tác. Hãy tải lại trang và thử lại.": (
        "The action could not be sent. Reload the page and try again."
    ),
    "Nội dung cần ký khác với thao tác bạn chọn: không ký.": (
        "What was to be signed differs from the action you chose: not signed."
    ),
    "Trình duyệt này không có khóa ký của phiên: hãy đăng nhập lại.": (
        "This browser has no signing key for the session: sign in again."
    ),
    "Phiên này chỉ xem: trình duyệt không tạo được khóa ký khi đăng nhập.": (
        "This session can only read: the browser could not make a signing key at sign-in."
    ),
    # single sign-on
    "Đăng nhập bằng tài khoản một lần (SSO)": "Sign in with single sign-on (SSO)",
    "Khóa ký của phiên": "The session's signing key",
    "Trình duyệt tạo khóa ký cho các thao tác của bạn; khóa không rời khỏi máy.": (
        "The browser makes a signing key for your actions; it never leaves the device."
    ),
    "Đăng nhập một lần (SSO) chưa được cấu hình.": "Single sign-on (SSO) is not configured.",
    "Không kết nối được với hệ thống đăng nhập một lần (SSO): hãy thử lại sau.": (
        "The single sign-on (SSO) service cannot be reached: try again later."
    ),
    "Phiên đăng nhập một lần không khớp hoặc đã hết hạn: hãy đăng nhập lại từ đầu.": (
        "This single sign-on does not match this browser or has expired: sign in again."
    ),
    "Hệ thống đăng nhập một lần không xác nhận việc đăng nhập này: hãy đăng nhập lại.": (
        "The single sign-on service did not confirm this sign-in: sign in again."
    ),
    "Tài khoản đăng nhập một lần này không phải của cán bộ nào đang làm việc.": (
        "This single sign-on account is not that of any active officer."
    ),
    "Phiên đăng nhập đã hết: hãy đăng nhập lại.": "The sign-in has expired: sign in again.",
    "Đăng nhập bằng mật khẩu đã tắt: hãy đăng nhập bằng tài khoản một lần (SSO).": (
        "Password sign-in is off: sign in with single sign-on (SSO)."
    ),
    # the operators' pages
    "MÃ": "CODE",
    "Máy chủ Temporal chưa trả lời: chưa biết hồ sơ nào bị kẹt. Hãy tải lại trang sau.": (
        "The Temporal server has not answered: the stuck dossiers are not known yet. Reload the"
        " page later."
    ),
    "Bảng điều hành": "Dashboard",
    "Chỉ số theo Quyết định 766 của toàn phạm vi": "Decision 766 indicators of the whole scope",
    "Chỉ số theo Quyết định 766/QĐ-TTg": "Indicators of Decision 766/QĐ-TTg",
    "Chỉ số theo cơ quan (%; thời gian giải quyết: ngày làm việc)": (
        "Indicators by agency (%; resolution time: working days)"
    ),
    "Các bước của quy trình": "The stages of the chain",
    "Cơ quan tiếp nhận": "Receiving agency",
    "Cổng nhận": "Subscriber",
    "Danh mục thủ tục": "Procedure catalogue",
    "Giữa các bước": "Between stages",
    "Gửi lại lúc": "Next attempt",
    "Hẹn trả trước ngày": "Due before",
    "Hồ sơ bị kẹt": "Stuck dossiers",
    "Hồ sơ quá hạn": "Overdue dossiers",
    "Hồ sơ sắp đến hạn": "Dossiers at risk",
    "Hồ sơ tìm thấy, hạn gần nhất trước": "Dossiers found, soonest due first",
    "Hồ sơ đang giải quyết": "Open dossiers",
    "Hồ sơ đang giải quyết theo bước": "Open dossiers by stage",
    "Hồ sơ đang giải quyết theo cơ quan": "Open dossiers by agency",
    "Khoảng thời gian phải từ năm 2000, dài không quá 10 năm và không quá hết năm sau.": (
        "The period must start in 2000 or later, last at most 10 years and end no later "
        "than the end of next year."
    ),
    "Không có hồ sơ nào bị kẹt.": "No dossier is stuck.",
    "Không có hồ sơ nào đang giải quyết.": "No dossier is open.",
    "Không có hồ sơ nào.": "No dossier.",
    "Không có lần gửi nào bị lỗi.": "No delivery is failing.",
    "Không có thủ tục này trong danh mục.": "The catalogue has no such procedure.",
    "Không tìm thấy hồ sơ nào.": "No dossier found.",
    "Kết quả điện tử (4.1)": "Electronic result (4.1)",
    "Lấy ý kiến:": "Consultation:",
    "Lệ phí": "Fee",
    "Lỗi gần nhất": "Last error",
    "Mã bước": "Stage id",
    "Mã thủ tục": "Procedure code",
    "Mã vai trò": "Role id",
    "Mã đơn vị": "Unit id",
    "Mức độ hài lòng (5.4)": "Satisfaction (5.4)",
    "Nguyên nhân": "Cause",
    "Ngày không hợp lệ: hãy viết theo dạng dd/mm/yyyy, ví dụ 08/12/2026.": (
        "Not a date: write it as dd/mm/yyyy, for example 08/12/2026."
    ),
    "Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.": "The last day must be on or after the first.",
    "Ngày làm việc": "Working days",
    "Người xử lý": "Held by",
    "Nộp trực tuyến (3.3)": "Received online (3.3)",
    "Phiên bản": "Version",
    "Phạm vi:": "Scope:",
    "Phạm vi: mọi cơ quan": "Scope: every agency",
    "Quy trình xử lý": "Review chain",
    "Quy trình xử lý của thủ tục %(code)s": "Review chain of procedure %(code)s",
    "Số hóa (4.2)": "Digitised (4.2)",
    "Số liệu lúc": "Figures as of",
    "Số lần gửi": "Attempts",
    "Số lần lỗi": "Failures",
    "Sự kiện": "Event",
    "Thời gian giải quyết bình quân (2.2)": "Average resolution time (2.2)",
    "Thời hạn (ngày làm việc)": "Time limit (working days)",
    "Thời hạn giải quyết": "Time limit",
    "Tiếp nhận từ ngày": "Received from",
    "Tiếp nhận đến ngày": "Received until",
    "Trang này dành cho cán bộ vận hành hệ thống.": "This page is for system operators.",
    (
        "Trang web chưa gỡ kẹt được: lệnh này phải được ký bằng khóa của cán bộ vận hành, "
        "mà chữ ký của trình duyệt chỉ dùng cho thao tác xử lý hồ sơ. Trên máy có khóa, "
        "chạy:"
    ): (
        "The pages cannot unstick a dossier yet: the command must be signed with the "
        "operator's key, and the browser's signature carries only officers' actions on "
        "dossiers. On the machine holding the key, run:"
    ),
    "Trả kết quả": "Result delivery",
    "Tên thủ tục": "Procedure name",
    "Tìm": "Search",
    "Tổng": "Total",
    "Từ": "From",
    "Từ ngày": "From",
    "Webhook gửi lỗi": "Failing webhook deliveries",
    "Xem chỉ số": "Show indicators",
    "chưa có số liệu": "no data yet",
    "hiệu lực từ": "in force from",
    "hồ sơ bị kẹt": "stuck dossiers",
    "hồ sơ tiếp nhận": "dossiers received",
    "hồ sơ đang giải quyết": "open dossiers",
    "không bắt buộc": "optional",
    "lần gửi webhook lỗi": "failing webhook deliveries",
    "một tác vụ lỗi đã sửa nguyên nhân:": "an activity failing after its cause was fixed:",
    "Đã dừng: gửi lại bằng": "Given up: send again with",
    "Đã giải quyết": "Finished",
    "Đúng hạn (2.1)": "On time (2.1)",
    "Đến ngày": "To",
    "đang giải quyết": "in progress",
    "đã giải quyết": "finished",
    "đến": "to",
    # payments
    "Thanh toán trực tuyến (3.6)": "Paid online (3.6)",
    "Chờ thanh toán phí": "Awaiting the fee",
    "Bắt đầu thanh toán trực tuyến": "Online payment started",
    "Đã thanh toán phí": "Fee paid",
    "Quá hạn thanh toán phí": "Fee not paid in time",
    "Phải hoàn trả phí": "Fee to be refunded",
    "Thanh toán phí": "Fee payment",
    "Phí, lệ phí": "Fee",
    "đồng": "đồng",
    "Hạn thanh toán": "Pay by",
    "Đã thanh toán lúc": "Paid at",
    "Thanh toán trực tuyến": "Pay online",
    "Tải biên lai (PDF)": "Download the receipt (PDF)",
    "Phí đã nộp sẽ được hoàn trả.": "The fee paid will be refunded.",
    "Kết quả thanh toán": "Payment outcome",
    "Đã thanh toán thành công.": "Paid.",
    "Giao dịch thành công, đang xác nhận thanh toán với hồ sơ. Hãy tra cứu lại sau ít phút.": (
        "The payment went through and is being confirmed with the dossier. Look it up again"
        " in a few minutes."
    ),
    "Giao dịch không thành công hoặc đã bị hủy. Bạn có thể thanh toán lại.": (
        "The payment did not go through or was cancelled. You can pay again."
    ),
    "Không đọc được kết quả thanh toán.": "The payment's outcome cannot be read.",
    "Mã giao dịch": "Transaction reference",
    "Số tiền": "Amount",
    "Đến cổng thanh toán": "Go to the payment gateway",
    "Bạn sẽ thanh toán trên trang của cổng thanh toán, rồi được đưa trở lại đây.": (
        "You pay on the payment gateway's page, then come back here."
    ),
    "Không thanh toán trực tuyến được lúc này: ": "Online payment is not possible now: ",
}
