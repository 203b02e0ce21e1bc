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
    "Không có trang này: địa chỉ không đúng.": "There is no such page: the address is wrong.",
    "Địa chỉ trang có tham số không hợp lệ. Hãy mở lại trang từ liên kết của hoso.": (
        "The page's address has an invalid parameter. Open the page again from a hoso link."
    ),
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
    "Quản trị viên": "Administrator",
    "Cổng dịch vụ công": "Public service portal",
    "Bước của tôi": "My stage",
    "Lấy ý kiến": "Consultation",
    "Phiếu hội đồng": "Council vote",
    "Kết luận hội đồng": "Council conclusion",
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
    "Đã dừng: gửi lại": "Given up: replay",
    # the portals' webhooks
    "Webhook": "Webhooks",
    "Webhook của các cổng": "The portals' webhooks",
    "Các cổng dịch vụ công nhận sự kiện của hồ sơ trong phạm vi của bạn. Gửi lại: mọi sự kiện"
    " của các ngày đã chọn được xếp gửi lại, theo thứ tự ban đầu và với mã webhook-id cũ (cổng"
    " đã nhận có thể bỏ qua).": (
        "The public-service portals that receive the events of your scope's dossiers. Replay:"
        " every event of the days chosen is queued again, in its original order and with its"
        " original webhook-id (a portal that has it may skip it)."
    ),
    "đã ngừng": "removed",
    "Máy nhận:": "Host:",
    "Sự kiện:": "Events:",
    "Các lần gửi gần nhất": "Latest deliveries",
    "Lúc xảy ra": "Occurred at",
    "gửi lại": "replayed",
    "Chưa gửi lần nào.": "Nothing sent yet.",
    "Đến ngày (gồm cả ngày này)": "To (this day included)",
    "Gửi lại các sự kiện": "Replay the events",
    "Không có cổng nào nhận webhook trong phạm vi của bạn.": (
        "No portal receives webhooks in your scope."
    ),
    "Khoảng gửi lại dài nhiều nhất 366 ngày.": "A replay covers 366 days at most.",
    "Không có cổng nhận webhook này trong phạm vi của bạn.": (
        "No such webhook subscriber in your scope."
    ),
    "Đã nhận": "Delivered",
    "Đang gửi lại": "Retrying",
    "Đã dừng": "Given up",
    "Chờ gửi": "Waiting",
    "Đã xếp lại %(count)s lần gửi cho %(name)s, theo thứ tự ban đầu.": (
        "%(count)s deliveries queued again for %(name)s, in their original order."
    ),
    "Đã giải quyết": "Finished",
    "Đúng hạn (2.1)": "On time (2.1)",
    "Đến ngày": "To",
    "đang giải quyết": "in progress",
    "đã giải quyết": "finished",
    "đến": "to",
    # booking a time at the counter
    "Đặt lịch hẹn tại bộ phận một cửa": "Book a time at the one-stop counter",
    "Chọn thủ tục và một khung giờ còn chỗ, rồi đến quầy đúng giờ với mã lịch hẹn.": (
        "Choose a procedure and a time with a free place, then come to the counter on time with"
        " your booking code."
    ),
    "Đổi hoặc hủy lịch đã đặt": "Move or cancel a booking",
    "Thủ tục và nơi tiếp nhận": "Procedure and where it is received",
    "— Chọn thủ tục —": "— Choose a procedure —",
    "Xem khung giờ trống": "See the free times",
    "mỗi khung giờ %(minutes)s phút": "%(minutes)s minutes a slot",
    "Chưa đặt được lịch: hãy sửa các mục được ghi chú bên dưới.": (
        "Not booked yet: correct the fields marked below."
    ),
    "Thứ Hai": "Monday",
    "Thứ Ba": "Tuesday",
    "Thứ Tư": "Wednesday",
    "Thứ Năm": "Thursday",
    "Thứ Sáu": "Friday",
    "Thứ Bảy": "Saturday",
    "Chủ nhật": "Sunday",
    "ngày làm việc bù": "a working day in exchange",
    "còn %(free)s chỗ": "%(free)s places left",
    "hết chỗ": "full",
    "Không còn khung giờ nào trong những ngày này.": "No time is left on these days.",
    "Xem những ngày sau": "See the following days",
    "Số điện thoại": "Phone number",
    "Số định danh cá nhân (12 chữ số)": "Personal identification number (12 digits)",
    "Email (không bắt buộc, để nhận lời nhắc trước một ngày làm việc)": (
        "Email (optional, for a reminder one working day before)"
    ),
    "Đặt lịch": "Book",
    "Đã đặt lịch hẹn": "Booked",
    "Hãy giữ mã lịch hẹn và số điện thoại đã đăng ký: đưa mã QR tại quầy để vào lượt, hoặc dùng"
    " chúng để đổi, hủy lịch.": (
        "Keep the booking code and the phone number you gave: show the QR code at the counter to"
        " take your turn, or use them to move or cancel the booking."
    ),
    "Mã lịch hẹn": "Booking code",
    "Mã QR của lịch hẹn %(code)s": "QR code of booking %(code)s",
    "Nơi tiếp nhận": "Received at",
    "Quầy": "Counter",
    "Thời gian": "Time",
    "Người đặt": "Booked by",
    "Đã đặt": "Booked",
    "Đã vào lượt tại quầy": "Checked in at the counter",
    "Không đến": "Did not come",
    "Đã nộp hồ sơ tại quầy": "Dossier submitted at the counter",
    "Đổi hoặc hủy lịch hẹn": "Move or cancel a booking",
    "Đổi sang khung giờ khác": "Move to another time",
    "Khung giờ mới": "New time",
    "— Chọn khung giờ —": "— Choose a time —",
    "Đổi lịch": "Move",
    "Hủy lịch hẹn": "Cancel the booking",
    "Chỗ của bạn sẽ được nhường cho người khác ngay.": "Your place goes to someone else at once.",
    "Đặt lịch hẹn khác": "Book another time",
    "Đặt lịch hẹn mới": "Book a new time",
    "Nhập mã lịch hẹn và số điện thoại đã dùng khi đặt.": (
        "Enter the booking code and the phone number you booked with."
    ),
    "Xem lịch hẹn": "See the booking",
    "Đã hủy lịch hẹn.": "The booking is cancelled.",
    "Đã đổi lịch hẹn.": "The booking is moved.",
    "Hãy nhập họ và tên trên một dòng (tối đa 200 ký tự).": (
        "Enter the full name on one line (at most 200 characters)."
    ),
    "Số điện thoại không hợp lệ: số di động 0xxxxxxxxx hoặc số cố định 02xxxxxxxxx.": (
        "Not a valid phone number: a mobile 0xxxxxxxxx or a landline 02xxxxxxxxx."
    ),
    "Số định danh cá nhân (số căn cước) gồm 12 chữ số.": (
        "The personal identification number (identity card number) has 12 digits."
    ),
    "Địa chỉ email không hợp lệ.": "Not a valid email address.",
    "Hãy chọn một khung giờ trong danh sách.": "Choose a time from the list.",
    "Mã lịch hẹn gồm chữ và số, ví dụ 7KQ2-M9XA.": (
        "A booking code has letters and digits, e.g. 7KQ2-M9XA."
    ),
    "Khung giờ này đã qua: hãy chọn khung giờ khác.": "This time has passed: choose another.",
    "Khung giờ này quá xa: chỉ đặt được trong những ngày sắp tới của danh sách.": (
        "This time is too far ahead: only the coming days of the list can be booked."
    ),
    "Không có khung giờ này (ngày nghỉ hoặc ngoài giờ làm việc): hãy chọn trong danh sách.": (
        "There is no such time (a day off or outside the hours): choose one from the list."
    ),
    "Số định danh này đã giữ đủ số lịch hẹn sắp tới cho phép: hãy hủy một lịch trước.": (
        "This identification number holds as many future bookings as allowed: cancel one first."
    ),
    "Khung giờ này vừa hết chỗ: hãy chọn khung giờ khác.": (
        "This time has just filled up: choose another."
    ),
    "Không tìm thấy lịch hẹn với mã và số điện thoại này.": (
        "No booking with this code and phone number."
    ),
    "Lịch hẹn này đã hủy hoặc đã dùng: không thể thay đổi.": (
        "This booking is cancelled or used: it cannot change."
    ),
    "Thủ tục này không nhận đặt lịch hẹn tại quầy.": (
        "This procedure takes no appointments at the counter."
    ),
    "Quá nhiều yêu cầu từ địa chỉ này. Hãy thử lại sau ít phút.": (
        "Too many requests from this address. Try again in a few minutes."
    ),
    # the counter
    "Quầy tiếp nhận": "Counter",
    "Quầy tiếp nhận: nhập hồ sơ nộp trực tiếp": "Counter: enter a dossier brought in person",
    "Trang quầy tiếp nhận dành cho cán bộ tiếp nhận của bộ phận một cửa.": (
        "The counter's pages are for the reception officers of a one-stop unit."
    ),
    "Chọn thủ tục": "Choose the procedure",
    "Hãy chọn một thủ tục mà bộ phận của bạn tiếp nhận.": "Choose a procedure your unit receives.",
    "bắt buộc": "required",
    "Số định danh cá nhân": "Personal identification number",
    "Thư điện tử": "Email",
    "Thành phần hồ sơ (bản quét)": "Documents (scans)",
    "Tiếp nhận hồ sơ": "Receive the dossier",
    "Hãy điền mục này.": "Fill in this field.",
    "Mục này dài hơn mức cho phép.": "This field is longer than it may be.",
    "Giá trị của mục này không hợp lệ.": "This field's value is not valid.",
    "Họ và tên không hợp lệ (một dòng, tối đa 200 ký tự).": (
        "The full name is not valid (one line, at most 200 characters)."
    ),
    "Số định danh cá nhân gồm 12 chữ số (căn cước công dân).": (
        "A personal identification number has 12 digits (citizen identity card)."
    ),
    "Số điện thoại không hợp lệ (ví dụ 0912345678).": (
        "The phone number is not valid (for example 0912345678)."
    ),
    "Địa chỉ thư điện tử không hợp lệ.": "The email address is not valid.",
    "Địa chỉ không hợp lệ (một dòng, tối đa 500 ký tự).": (
        "The address is not valid (one line, at most 500 characters)."
    ),
    "Thiếu giấy tờ bắt buộc này: hãy tải lên bản quét.": (
        "This required document is missing: upload its scan."
    ),
    "Tệp “%(file)s” không đúng định dạng: nhận %(formats)s.": (
        "The file “%(file)s” is not in an accepted format: %(formats)s."
    ),
    "Tệp “%(file)s” rỗng.": "The file “%(file)s” is empty.",
    "Tệp “%(file)s” vượt quá giới hạn %(mb)s MB.": (
        "The file “%(file)s” is over the %(mb)s MB limit."
    ),
    "Tệp “%(file)s” không nhận được: hãy kiểm tra lại tệp.": (
        "The file “%(file)s” was not accepted: check the file."
    ),
    "Hãy chọn hình thức trả kết quả.": "Choose how the result is delivered.",
    "Hồ sơ chưa được tiếp nhận: hãy kiểm tra lại các mục được đánh dấu.": (
        "The dossier was not received: check the fields marked."
    ),
    "Đã nhập hồ sơ": "Dossier entered",
    "Số giấy tờ": "Documents",
    "Mã tra cứu chỉ hiện một lần: hãy đưa cho người nộp (in trên phiếu tiếp nhận hoặc ghi lại).": (
        "The lookup secret is shown only once: give it to the applicant (printed on the receipt"
        " or written down)."
    ),
    "Hồ sơ này đã được nhập trước đó: mã tra cứu đã được đưa ở lần nhập đầu.": (
        "This dossier was entered before: its lookup secret was given the first time."
    ),
    "Kiểm tra và tiếp nhận hồ sơ trên trang hồ sơ; phiếu tiếp nhận và hẹn trả kết quả được lập"
    " khi hồ sơ được tiếp nhận.": (
        "Check and receive the dossier on its page; the receipt with the appointment date is"
        " issued when the dossier is received."
    ),
    "Mở hồ sơ để tiếp nhận": "Open the dossier to receive it",
    "In phiếu tiếp nhận (mẫu 01)": "Print the receipt (form 01)",
    "Nhập hồ sơ khác": "Enter another dossier",
    "Hồ sơ chưa có phiếu tiếp nhận: phiếu được lập khi hồ sơ được tiếp nhận (thao tác"
    " “Tiếp nhận” trên trang hồ sơ).": (
        "The dossier has no receipt yet: it is issued when the dossier is received (the action"
        " “Receive” on the dossier's page)."
    ),
    "Nhận hồ sơ bổ sung tại quầy": "Receive a supplement at the counter",
    "Ghi chú của người nộp": "The applicant's note",
    "Ký và nhận bổ sung": "Sign and receive the supplement",
    "Tài liệu bổ sung không nhận được: hãy kiểm tra loại và định dạng tệp.": (
        "The supplement's documents were not accepted: check their kinds and formats."
    ),
    "Ghi chú (người nhận, giấy tờ xuất trình)": "Note (who collected it, the papers shown)",
    "Ký xác nhận đã trả kết quả": "Sign: the result was handed over",
    "Bảo mật": "Confidential",
    "tải về": "download",
    "Tài liệu này được bảo mật: chỉ cán bộ đã giữ hồ sơ và lãnh đạo cơ quan được đọc.": (
        "This document is confidential: only the officers who held the dossier and the leaders"
        " of its agency read it."
    ),
    # an operator's retry, signed in the browser
    "Thử lại": "Retry",
    "Yêu cầu chạy lại tác vụ lỗi": "Failing activities run again",
    "Thử lại các tác vụ lỗi": "Run the failing activities again",
    "Ký và thử lại": "Sign and retry",
    "Đã sửa gì (ghi vào hồ sơ)": "What was fixed (kept in the dossier's record)",
    "Phiên này chỉ xem.": "This session only reads.",
    "Temporal đã dừng quy trình: không thử lại được.": (
        "Temporal ended its workflow: a retry cannot mend it."
    ),
    "Đã ghi vào hồ sơ; chạy lại ngay: %(what)s": (
        "Recorded in the dossier; running again now: %(what)s"
    ),
    "Đã ghi vào hồ sơ; không có tác vụ nào đang lỗi.": (
        "Recorded in the dossier; no activity is failing."
    ),
    (
        "Khi nguyên nhân đã được sửa (máy chủ thư trở lại, ổ đĩa còn chỗ…): yêu cầu của bạn, "
        "ký bằng khóa của phiên, được ghi vào hồ sơ, rồi các tác vụ đang lỗi chạy lại ngay."
    ): (
        "Once the cause is fixed (the mail server back, disk space freed…): your request, signed "
        "with the session's key, is recorded in the dossier, then its failing activities run "
        "again at once."
    ),
    (
        "Thử lại: khi nguyên nhân đã được sửa, yêu cầu của bạn (ký bằng khóa của phiên) được ghi "
        "vào hồ sơ và các tác vụ đang lỗi chạy lại ngay. Hồ sơ có bước xử lý của quy trình hỏng "
        "(thử lại không đủ) được chạy lại từ điểm lỗi: hồ sơ trở về bước cuối cùng còn đúng, lý do "
        "được ghi vào hồ sơ bằng chữ ký của bạn, rồi các thao tác của cán bộ sau điểm đó được gửi "
        "lại theo thứ tự (như"
    ): (
        "Retry: once the cause is fixed, your request (signed with the session's key) is recorded "
        "in the dossier and its failing activities run again at once. A dossier whose workflow "
        "task itself fails (a retry is not enough) is reset: it goes back to its last sound step, "
        "the reason goes on its record signed by you, then the officers' actions after that point "
        "are sent again in order (as"
    ),
    # resetting a stuck dossier from the pages
    "Đang chạy lại, ký và gửi…": "Resetting, signing and sending…",
    "Vì sao chạy lại từ điểm lỗi (ghi vào hồ sơ)": "Why reset it (kept in the dossier's record)",
    "Chạy lại từ điểm lỗi và ký": "Reset and sign",
    "Chạy lại hồ sơ từ điểm lỗi": "Reset the dossier",
    "Bước xử lý của quy trình hồ sơ này lỗi lặp lại (hoặc hồ sơ đã được chạy lại nhưng các thao "
    "tác chưa được gửi lại). Hồ sơ được chạy lại từ bước cuối cùng còn đúng, lý do và các thao "
    "tác của cán bộ được ghi vào hồ sơ bằng chữ ký của bạn, rồi các thao tác đó được gửi lại theo "
    "thứ tự.": (
        "This dossier's workflow task keeps failing (or it was reset and its actions are not sent"
        " again yet). It goes back to its last sound step, the reason and the officers' actions go"
        " on its record signed by you, then those actions are sent again in order."
    ),
    "Đã chạy lại từ sự kiện %(point)s; gửi lại %(sent)s thao tác, %(applied)s được áp dụng.": (
        "Reset to event %(point)s; %(sent)s action(s) sent again, %(applied)s applied."
    ),
    # an apology's new date, a council convened, from the action panel
    "Thành lập hội đồng thẩm định": "Convene the appraisal council",
    "Kết luận của hội đồng": "The council's conclusion",
    "Gửi sự kiện đến cổng dịch vụ công": "Event posted to a portal",
    "Tin nhắn SMS": "SMS",
    "Lượt mới tiếp nhận hồ sơ": "A new run took the dossier over",
    "Ngày hẹn trả mới (khi xin lỗi): một ngày làm việc": (
        "New appointment date (for an apology): a working day"
    ),
    "Hội đồng thẩm định (khi thành lập hội đồng): thành viên và chủ tịch": (
        "Appraisal council (when convening it): members and chair"
    ),
    "Thành viên": "Member",
    "Chủ tịch hội đồng": "Chair of the council",
    "Chủ tịch hội đồng:": "Chair of the council:",
    "Chức danh": "Position",
    "chuyên gia": "expert",
    "cuối tuần": "a weekend",
    "Ngày hẹn mới phải sau ngày hẹn trả %(due)s.": (
        "The new appointment date must come after the due date %(due)s."
    ),
    "Ngày %(day)s là ngày nghỉ (%(why)s): hãy chọn một ngày làm việc, ví dụ %(next)s.": (
        "%(day)s is a day off (%(why)s): choose a working day, for example %(next)s."
    ),
    "Ngày hẹn mới không hợp lệ: nhập một ngày theo dạng dd/mm/yyyy.": (
        "The new appointment date is not a date: type one as dd/mm/yyyy."
    ),
    # the dossier's timeline (api/pages/timeline_words.py)
    "(cán bộ nhận: %(who)s)": "(received by %(who)s)",
    "(đến nay)": "(so far)",
    "Bước quá hạn": "A stage is overdue",
    "Cần xin lỗi, hẹn lại ngày trả": "An apology with a new date is due",
    "Hồ sơ bị từ chối": "Dossier refused",
    "Hồ sơ chuyển đến bước mới": "Dossier arrived at a new stage",
    "Hồ sơ đã hoàn thành": "Dossier completed",
    "Hồ sơ đã hủy": "Dossier cancelled",
    "Hồ sơ đã rút": "Dossier withdrawn",
    "Kiểm tra hồ sơ nộp": "Submission checked",
    "Kết quả chờ nhận tại bộ phận một cửa": "Result waiting at the one-stop counter",
    "Kết quả giải quyết": "Result",
    "Kết quả sẵn sàng tải về": "Result ready to download",
    "Kết quả trả qua: %(channel)s": "Result delivered: %(channel)s",
    "Kết quả đã gửi qua bưu chính": "Result sent by post",
    "Một bước đã hết thời hạn": "A stage ran out of time",
    "Ngày hẹn trả đã dời": "Appointment date moved",
    "Người nộp bổ sung: %(documents)s": "The applicant supplemented: %(documents)s",
    "Người nộp rút hồ sơ": "The applicant withdrew the dossier",
    "Nhắc cơ quan chưa cho ý kiến": "Reminder to agencies that have not answered",
    "Phiếu kiểm soát quá trình giải quyết hồ sơ (mẫu 05)": "Control sheet (form 05)",
    "Phiếu tiếp nhận và hẹn trả kết quả (mẫu 01)": "Receipt with appointment date (form 01)",
    "Phiếu từ chối giải quyết hồ sơ (mẫu 03)": "Refusal notice (form 03)",
    "Phiếu xin lỗi và hẹn lại ngày trả kết quả (mẫu 04)": (
        "Apology with a new appointment date (form 04)"
    ),
    "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (mẫu 02)": "Supplement request notice (form 02)",
    "Phiếu yêu cầu chỉnh sửa theo kết luận hội đồng": (
        "Revision request after the council's conclusion"
    ),
    "Thư xin lỗi, hẹn lại ngày trả": "Apology with a new appointment date",
    "Yêu cầu bổ sung hồ sơ": "Supplement requested",
    "Yêu cầu chỉnh sửa theo kết luận hội đồng": "Revisions requested by the council",
    "[đã ký, khóa %(token)s]": "[signed, token %(token)s]",
    "cán bộ": "officers",
    "cần bổ sung: %(items)s": "missing: %(items)s",
    "không có giấy tờ": "no documents",
    "kèm: %(documents)s": "with: %(documents)s",
    "ngày hẹn trả mới %(day)s": "new appointment date %(day)s",
    "người nộp": "the applicant",
    "trễ hạn": "late",
    "Đã nhận hồ sơ bổ sung": "Supplement received",
    "Đã nhận hồ sơ nộp": "Submission received",
    "Đã tiếp nhận, hẹn ngày trả": "Received, appointment date set",
    "Đề nghị cho ý kiến": "Opinion requested",
    "Đối chiếu hội đồng với danh sách cán bộ": "Council checked against the officers' registry",
    "hội đồng %(n)s thành viên, chủ tịch %(chair)s": (
        "a council of %(n)s members, chaired by %(chair)s"
    ),
    "%(who)s cập nhật lịch làm việc %(years)s": "%(who)s updated the working calendar %(years)s",
    "%(code)s: %(procedure)s, trả kết quả %(delivery)s; giấy tờ: %(documents)s": (
        "%(code)s: %(procedure)s, result by %(delivery)s; documents: %(documents)s"
    ),
    "trả về bước %(stage)s": "back to %(stage)s",
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
    # the counter's queue of bookings, a booking's dossier, a withdrawal
    "Lịch hẹn tại quầy": "Counter bookings",
    "Lịch hẹn tại quầy hôm nay": "Today's bookings at the counter",
    "Lịch hẹn hôm nay, theo giờ hẹn": "Today's bookings, by time",
    "Vào lượt theo mã lịch hẹn": "Check in by booking code",
    "Mã lịch hẹn (gõ, hoặc dán nội dung mã QR)": (
        "Booking code (typed, or the QR code's content pasted)"
    ),
    "Vào lượt": "Check in",
    "Giờ hẹn": "Time",
    "Nhập hồ sơ": "Enter the dossier",
    "Ghi lịch hẹn %(code)s là không đến": "Mark booking %(code)s as a no-show",
    "Hôm nay chưa có lịch hẹn nào tại bộ phận của bạn.": "No bookings at your unit today yet.",
    "Hãy nhập mã lịch hẹn, hoặc dán nội dung mã QR của lịch hẹn.": (
        "Type the booking's code, or paste the content of its QR code."
    ),
    "Không có lịch hẹn nào với mã này tại bộ phận của bạn.": (
        "There is no booking with this code at your unit."
    ),
    "Lịch hẹn %(code)s đã vào lượt lúc %(time)s.": "Booking %(code)s was checked in at %(time)s.",
    "Hồ sơ của lịch hẹn %(code)s đã được nhập: %(dossier)s.": (
        "The dossier of booking %(code)s has been entered: %(dossier)s."
    ),
    "Lịch hẹn %(code)s đã bị hủy.": "Booking %(code)s was cancelled.",
    "Lịch hẹn %(code)s đã được ghi là không đến.": "Booking %(code)s was marked as a no-show.",
    "Lịch hẹn %(code)s là ngày %(day)s: chỉ vào lượt được trong ngày hẹn.": (
        "Booking %(code)s is for %(day)s: it is checked in on its day only."
    ),
    "Giờ hẹn của lịch hẹn %(code)s chưa đến: chưa ghi là không đến được.": (
        "The slot of booking %(code)s has not begun: it cannot be a no-show yet."
    ),
    "Lịch hẹn %(code)s chưa vào lượt: hãy cho người nộp vào lượt trước.": (
        "Booking %(code)s is not checked in: check the applicant in first."
    ),
    "Đã ghi lịch hẹn %(code)s là không đến.": "Booking %(code)s is marked as a no-show.",
    "Đã vào lượt: %(code)s, %(time)s.": "Checked in: %(code)s, %(time)s.",
    "Theo lịch hẹn %(code)s, %(time)s: thủ tục và người nộp như khi đặt lịch.": (
        "From booking %(code)s, %(time)s: the procedure and applicant as booked."
    ),
    "Về lịch hẹn hôm nay": "Back to today's bookings",
    "Số định danh khác với số của người đã đặt lịch hẹn.": (
        "This identity number is not that of the person who booked."
    ),
    "Rút hồ sơ theo yêu cầu của người nộp": "Withdraw the dossier at the applicant's request",
    "Lý do người nộp rút hồ sơ": "The applicant's reason for withdrawing",
    "Ký và rút hồ sơ": "Sign and withdraw the dossier",
    "Hồ sơ đã kết thúc (%(status)s): không thể rút hồ sơ.": (
        "The dossier is closed (%(status)s): it can no longer be withdrawn."
    ),
    "Hồ sơ đã có kết quả giải quyết: không thể rút hồ sơ.": (
        "The dossier has been decided: it can no longer be withdrawn."
    ),
    "Chỉ chọn các cơ quan trong phạm vi của bạn.": "Choose only agencies within your scope.",
    "Các lần gửi đang chờ sẽ dừng; đăng ký lại sau sẽ có khóa ký mới.": (
        "Pending deliveries stop; registering it again later gives a new signing secret."
    ),
    "Cơ quan có hồ sơ được gửi (không chọn: cả phạm vi của bạn)": (
        "Agencies whose dossiers it follows (none chosen: your whole scope)"
    ),
    "Cổng nhận sự kiện thay đổi trạng thái của hồ sơ (không có thông tin cá nhân), ký theo chuẩn"
    " Standard Webhooks. hoso tạo khóa ký và hiện một lần sau khi đăng ký.": (
        "The portal receives the dossiers' status changes (nothing personal), signed as Standard"
        " Webhooks says. hoso makes the signing secret and shows it once, after registering."
    ),
    "Khóa ký của cổng, chỉ hiện lần này: hãy chuyển ngay cho đơn vị quản lý cổng qua kênh an"
    " toàn. hoso không hiện lại khóa này.": (
        "The portal's signing secret, shown this once: hand it now to the portal's team over a"
        " safe channel. hoso never shows it again."
    ),
    "Không ghi tên và mật khẩu trong địa chỉ: cổng kiểm tra chữ ký bằng khóa.": (
        "No user or password in the address: the portal checks the signature with the secret."
    ),
    "Ngừng gửi cho cổng này…": "Stop sending to this portal…",
    "Ngừng gửi sự kiện cho %(name)s": "Stop sending events to %(name)s",
    "Tên cổng (vd. cong-dvc-tinh)": "Portal name (e.g. cong-dvc-tinh)",
    "Tên: 2–63 chữ thường không dấu, số, dấu chấm, gạch nối; đầu là chữ hoặc số.": (
        "A name: 2–63 lower-case letters, digits, dots, hyphens; a letter or digit first."
    ),
    "Đã có cổng mang tên này.": "A portal of this name exists.",
    "Đã ngừng gửi sự kiện cho %(name)s.": "Events are no longer sent to %(name)s.",
    "Đã đăng ký cổng %(name)s": "Portal %(name)s registered",
    "Đăng ký": "Register",
    "Đăng ký cổng nhận webhook": "Register a webhook portal",
    "Địa chỉ https:// của máy nhận (http chỉ cho máy nhận 127.0.0.1 khi phát triển).": (
        "The receiver's https:// address (http only for a receiver on 127.0.0.1 in development)."
    ),
    "Địa chỉ nhận (https://…)": "Receiving address (https://…)",
}
