"""Demo catalogue drawn from the seed articles in ../shared/seeds (cite which article each producer came from in a comment).

Seed articles referred to below:

    [000] 000_4f01c66674fc62a3.txt  "Điện Biên: Hỗ trợ nâng cao năng lực các chủ thể OCOP"
    [001] 001_919ba5f03294e5eb.txt  "Đẩy mạnh thương hiệu và khắc phục tồn tại..." (Điện Biên)
    [002] 002_5392051c2d1af29a.txt  "Hỗ trợ có trọng điểm phát triển các sản phẩm OCOP" (Bắc Kạn)
    [003] 003_2ba40b6c0b89a04e.txt  Kon Tum capacity-building article: names no product, so unused
    [004] 004_3bd9385b6bdc0328.txt  Lai Châu OCOP workshop article (lists trà, mắc ca, mật ong...)

Where a seed names a product but not its maker, or names a maker but not its
address, the gap was filled from public press coverage (noted per producer) or,
failing that, with an illustrative value (also noted). Owner names are real
only where a seed or that coverage names the person; the rest are made up.
Phones, tax codes (MST), GTINs, decision numbers and prices are demo values:
they pass their checksums and look right, but are not the real ones.

Addresses: `province` / `ward` are post-1 July 2025 units (34 provinces, no
districts); `district_note` keeps the pre-2025 address the articles use.
Certificates run 36 months from `issued_on`; against 2026-11-22 exactly one
(Bánh khẩu xén) has lapsed, on purpose.
"""

DEMO_PASSWORD = "ocop-demo-2026"

# One account per role. Emails under the demo.ocop.vn domain.
ACCOUNTS = {
    "admin": {"email": "admin@demo.ocop.vn", "full_name": "Nguyễn Minh Quân"},
    "shopper": {"email": "shopper@demo.ocop.vn", "full_name": "Trần Thu Hà"},
    "operator": {"email": "operator@demo.ocop.vn", "full_name": "Phạm Đức Long"},
    # The Điện Biên centre's lead operator: approves discounts above its limit at the till.
    "lead_operator": {"email": "truongdiem@demo.ocop.vn", "full_name": "Lò Văn Thành"},
}

PRODUCERS = [
    # [000] 4★ honey, one of Điện Biên's two 4★ products; [001] photo captions
    # "Mật ong hoa ban" and "Mật ong bánh tổ". Address (đội 10, xã Sam Mứn,
    # founded 2019 by nine bee-keeping households) from Tạp chí Công Thương and
    # Báo Tài nguyên & Môi trường coverage. Owner name illustrative.
    {
        "slug": "htx-ong-mat-dien-bien",
        "name": "Hợp tác xã Ong mật Điện Biên",
        "legal_type": "cooperative",
        "description": (
            "Hợp tác xã của các hộ nuôi ong ở Sam Mứn, khai thác mật từ hoa ban và hoa rừng Tây Bắc. "
            "Sau khi sản phẩm mật ong đạt OCOP 4 sao, hợp tác xã tiếp tục đầu tư nâng cao chất lượng sản phẩm."
        ),
        "province": "dien_bien",
        "ward": "Xã Sam Mứn",
        "district_note": "đội 10, xã Sam Mứn, huyện Điện Biên",
        "street_address": "Đội 10",
        "phone": "0915347268",
        "tax_code": "5600218342",
        "owner": {"email": "ongmat@demo.ocop.vn", "full_name": "Lường Văn Thanh"},
        "staff": [{"email": "kho.ongmat@demo.ocop.vn", "full_name": "Lò Thị Duyên"}],
        "products": [
            {
                "slug": "mat-ong-hoa-ban",
                "name": "Mật ong hoa ban",
                "group": "food",
                "description": (
                    "Mật ong do đàn ong khai thác vào mùa hoa ban nở trên núi rừng Điện Biên, "
                    "vị ngọt thanh, hương thơm nhẹ. Sản phẩm được công nhận OCOP 4 sao cấp tỉnh."
                ),
                "origin_province": "dien_bien",
                "origin_ward": "Xã Sam Mứn",
                "stars": 4,
                "decision_number": "1352/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2024-08-26",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": 730,
                "available_months": [],
                "variants": [
                    {"label": "Chai 500 ml", "net_quantity": 500, "net_unit": "ml",
                     "price_vnd": 320000, "gtin": "8936041200111", "stock": 85},
                    # Sold out, to show the out-of-stock path.
                    {"label": "Chai 1 lít", "net_quantity": 1000, "net_unit": "ml",
                     "price_vnd": 590000, "gtin": "8936041200128", "stock": 0},
                ],
            },
            {
                "slug": "mat-ong-banh-to",
                "name": "Mật ong bánh tổ",
                "group": "food",
                "description": (
                    "Bánh tổ ong nguyên sáp cắt từ cầu ong, giữ nguyên mật và sáp tự nhiên. "
                    "Ăn trực tiếp hoặc pha nước ấm."
                ),
                "origin_province": "dien_bien",
                "origin_ward": "Xã Sam Mứn",
                "stars": 3,
                "decision_number": "486/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2025-03-18",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": 365,
                "available_months": [],
                "variants": [
                    {"label": "Hộp 500 g", "net_quantity": 500, "net_unit": "g",
                     "price_vnd": 360000, "gtin": "8936041200210", "stock": 40},
                ],
            },
        ],
    },
    # [000] Điện Biên Đông's four provincial 3★ products; [001] caption names
    # all four under this cooperative. [000] spells the taro "khoai sọ Phì Nhừ"
    # (the commune is Phì Nhừ), [001] "Khoai Sọ Phình Nhừ"; the product keeps
    # the label name, the text uses the commune name. Address and owner illustrative.
    {
        "slug": "htx-nong-nghiep-cco-dien-bien-dong",
        "name": "Hợp tác xã Nông nghiệp CCO Điện Biên Đông",
        "legal_type": "cooperative",
        "description": (
            "Hợp tác xã thu mua, sơ chế đặc sản vùng cao Điện Biên Đông, là chủ thể của bốn sản phẩm OCOP 3 sao cấp tỉnh: "
            "bí xanh Tìa Dình, lạc đỏ Na Son, khoai sọ Phình Nhừ và thịt lợn khô. "
            "Hợp tác xã đang mở rộng liên kết với các hộ dân để ổn định vùng nguyên liệu và đầu ra."
        ),
        "province": "dien_bien",
        "ward": None,
        "district_note": "huyện Điện Biên Đông",
        "street_address": "Tổ dân phố 1",
        "phone": "0987612304",
        "tax_code": "5600372182",
        "owner": {"email": "cco.dienbiendong@demo.ocop.vn", "full_name": "Giàng A Chứ"},
        "staff": [],
        "products": [
            {
                "slug": "bi-xanh-tia-dinh",
                "name": "Bí xanh Tìa Dình",
                "group": "food",
                "description": (
                    "Bí xanh ruột đặc, quả chắc, trồng bò lan trên nương của đồng bào Mông xã Tìa Dình. "
                    "Thu hoạch từ giữa tháng 9, để được lâu, thích hợp vận chuyển đi xa."
                ),
                "origin_province": "dien_bien",
                "origin_ward": "Xã Tìa Dình",
                "stars": 3,
                "decision_number": "2217/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2024-12-05",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": 90,
                "available_months": [9, 10, 11, 12],
                "variants": [
                    {"label": "Túi 3 kg", "net_quantity": 3000, "net_unit": "g",
                     "price_vnd": 75000, "gtin": "8936058700116", "stock": 120},
                    {"label": "Thùng 10 kg", "net_quantity": 10000, "net_unit": "g",
                     "price_vnd": 220000, "gtin": "8936058700123", "stock": 35},
                ],
            },
            {
                "slug": "lac-do-na-son",
                "name": "Lạc đỏ Na Son",
                "group": "food",
                "description": (
                    "Lạc vỏ lụa đỏ trồng trên đất nương xã Na Son, hạt nhỏ, chắc, bùi và thơm. "
                    "Đã phơi khô, bóc vỏ, đóng túi."
                ),
                "origin_province": "dien_bien",
                "origin_ward": "Xã Na Son",
                "stars": 3,
                "decision_number": "2217/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2024-12-05",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": 180,
                "available_months": [],
                "variants": [
                    {"label": "Túi 500 g", "net_quantity": 500, "net_unit": "g",
                     "price_vnd": 60000, "gtin": "8936058700215", "stock": 150},
                    {"label": "Túi 1 kg", "net_quantity": 1000, "net_unit": "g",
                     "price_vnd": 110000, "gtin": "8936058700222", "stock": 90},
                ],
            },
            {
                "slug": "khoai-so-phinh-nhu",
                "name": "Khoai sọ Phình Nhừ",
                "group": "food",
                "description": (
                    "Khoai sọ trồng trên nương xã Phì Nhừ, củ dẻo, bở và thơm. "
                    "Hàng tươi theo mùa thu hoạch."
                ),
                "origin_province": "dien_bien",
                # Phì Nhừ was merged into a new commune in 2025; which one is not
                # certain from the package data, so left unset.
                "origin_ward": None,
                "stars": 3,
                "decision_number": "2217/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2024-12-05",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": 60,
                "available_months": [10, 11, 12, 1],
                "variants": [
                    {"label": "Túi 2 kg", "net_quantity": 2000, "net_unit": "g",
                     "price_vnd": 90000, "gtin": "8936058700314", "stock": 60},
                    {"label": "Thùng 5 kg", "net_quantity": 5000, "net_unit": "g",
                     "price_vnd": 210000, "gtin": "8936058700321", "stock": 25},
                ],
            },
            {
                "slug": "thit-lon-kho",
                "name": "Thịt lợn khô",
                "group": "food",
                "description": (
                    "Thịt lợn bản tẩm gia vị vùng cao rồi sấy khô, đóng gói hút chân không. "
                    "Nướng hoặc hấp lại trước khi ăn."
                ),
                "origin_province": "dien_bien",
                "origin_ward": None,
                "stars": 3,
                "decision_number": "2217/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2024-12-05",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": 120,
                "available_months": [],
                "variants": [
                    {"label": "Gói 300 g", "net_quantity": 300, "net_unit": "g",
                     "price_vnd": 195000, "gtin": "8936058700413", "stock": 45},
                    {"label": "Gói 500 g", "net_quantity": 500, "net_unit": "g",
                     "price_vnd": 320000, "gtin": "8936058700420", "stock": 30},
                ],
            },
        ],
    },
    # [000] "chè Tủa Chùa" among Điện Biên's flagship products; [001] caption
    # "Trà cây cao cổ thụ Tủa Chùa - Công ty TNHH Trà Phan Nhất". Address and owner illustrative.
    {
        "slug": "cong-ty-tra-phan-nhat",
        "name": "Công ty TNHH Trà Phan Nhất",
        "legal_type": "enterprise",
        "description": (
            "Doanh nghiệp chế biến trà từ búp chè Shan tuyết cây cao, cổ thụ trên vùng núi Tủa Chùa. "
            "Chè Tủa Chùa là một trong những sản phẩm OCOP tiêu biểu của Điện Biên."
        ),
        "province": "dien_bien",
        "ward": None,
        "district_note": "huyện Tủa Chùa",
        "street_address": "Tổ dân phố 2",
        "phone": "0336218459",
        "tax_code": "5601124584",
        "owner": {"email": "traphannhat@demo.ocop.vn", "full_name": "Phan Thị Thu Hằng"},
        "staff": [],
        "products": [
            {
                "slug": "tra-co-thu-tua-chua",
                "name": "Trà cây cao cổ thụ Tủa Chùa",
                "group": "beverages",
                "description": (
                    "Trà xanh từ búp chè Shan tuyết trên những cây chè cổ thụ ở Tủa Chùa, do đồng bào Mông thu hái thủ công. "
                    "Nước trà vàng sáng, vị chát dịu, hậu ngọt."
                ),
                "origin_province": "dien_bien",
                "origin_ward": None,
                "stars": 3,
                "decision_number": "1105/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2025-06-20",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": 730,
                "available_months": [],
                "variants": [
                    {"label": "Hộp 100 g", "net_quantity": 100, "net_unit": "g",
                     "price_vnd": 180000, "gtin": "8936123300111", "stock": 70},
                    {"label": "Hộp 200 g", "net_quantity": 200, "net_unit": "g",
                     "price_vnd": 340000, "gtin": "8936123300128", "stock": 40},
                    {"label": "Túi 500 g", "net_quantity": 500, "net_unit": "g",
                     "price_vnd": 750000, "gtin": "8936123300210", "stock": 15},
                ],
            },
        ],
    },
    # [001] caption "Gạo Séng cù và Tám thơm - Hợp tác xã dịch vụ tổng hợp
    # Thanh Yên"; [000] lists "gạo Điện Biên" among the province's flagships.
    # Ward from the cooperative's name (old xã Thanh Yên); bản and owner illustrative.
    {
        "slug": "htx-dich-vu-tong-hop-thanh-yen",
        "name": "Hợp tác xã Dịch vụ tổng hợp Thanh Yên",
        "legal_type": "cooperative",
        "description": (
            "Hợp tác xã trồng và xay xát lúa đặc sản trên cánh đồng Mường Thanh, xã Thanh Yên. "
            "Gạo Séng cù và gạo Tám thơm của hợp tác xã góp phần làm nên thương hiệu gạo Điện Biên."
        ),
        "province": "dien_bien",
        "ward": "Xã Thanh Yên",
        "district_note": "xã Thanh Yên, huyện Điện Biên",
        "street_address": "Bản Noong Vai",
        "phone": "0976503812",
        "tax_code": "5600466715",
        "owner": {"email": "htxthanhyen@demo.ocop.vn", "full_name": "Lò Văn Hùng"},
        "staff": [],
        "products": [
            {
                "slug": "gao-seng-cu",
                "name": "Gạo Séng cù",
                "group": "food",
                "description": (
                    "Gạo Séng cù hạt dài, màu trắng ngà, cơm dẻo, thơm và đậm vị, "
                    "trồng trên cánh đồng Mường Thanh."
                ),
                "origin_province": "dien_bien",
                "origin_ward": "Xã Thanh Yên",
                "stars": 3,
                "decision_number": "1876/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2025-09-30",
                "certification_verified": True,
                "certifications": ["vietgap"],
                "shelf_life_days": 365,
                "available_months": [],
                "variants": [
                    {"label": "Túi 2 kg", "net_quantity": 2000, "net_unit": "g",
                     "price_vnd": 75000, "gtin": "8936095500113", "stock": 140},
                    {"label": "Túi 5 kg", "net_quantity": 5000, "net_unit": "g",
                     "price_vnd": 180000, "gtin": "8936095500120", "stock": 110},
                ],
            },
            {
                "slug": "gao-tam-thom",
                "name": "Gạo Tám thơm Điện Biên",
                "group": "food",
                "description": (
                    "Gạo Tám thơm hạt nhỏ, cơm mềm, thơm, vị ngọt nhẹ, từ lúa Tám cấy trên cánh đồng Mường Thanh."
                ),
                "origin_province": "dien_bien",
                "origin_ward": "Xã Thanh Yên",
                "stars": 3,
                "decision_number": "1876/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2025-09-30",
                "certification_verified": True,
                "certifications": ["vietgap"],
                "shelf_life_days": 365,
                "available_months": [],
                "variants": [
                    {"label": "Túi 5 kg", "net_quantity": 5000, "net_unit": "g",
                     "price_vnd": 165000, "gtin": "8936095500212", "stock": 130},
                    {"label": "Bao 10 kg", "net_quantity": 10000, "net_unit": "g",
                     "price_vnd": 310000, "gtin": "8936095500229", "stock": 60},
                ],
            },
        ],
    },
    # [001] caption "Rượu MOUNTAIN QUEEN – Ngọc cẩu, Hoa quả, Táo mèo mật ong -
    # Hộ kinh doanh Đinh Thị Kim Oanh". Owner name from the seed; the address is
    # not given anywhere, so no ward.
    {
        "slug": "hkd-dinh-thi-kim-oanh",
        "name": "Hộ kinh doanh Đinh Thị Kim Oanh",
        "legal_type": "household",
        "description": (
            "Hộ kinh doanh sản xuất dòng rượu MOUNTAIN QUEEN ngâm từ sản vật núi rừng Tây Bắc: "
            "ngọc cẩu, hoa quả và táo mèo mật ong."
        ),
        "province": "dien_bien",
        "ward": None,
        "district_note": "tỉnh Điện Biên (bài viết không nêu địa chỉ)",
        "street_address": "Tổ dân phố 9",
        "phone": "0912684170",
        "tax_code": "5601583027",
        "owner": {"email": "kimoanh@demo.ocop.vn", "full_name": "Đinh Thị Kim Oanh"},
        "staff": [],
        "products": [
            {
                "slug": "ruou-tao-meo-mat-ong-mountain-queen",
                "name": "Rượu táo mèo mật ong MOUNTAIN QUEEN",
                "group": "beverages",
                "description": (
                    "Rượu ngâm từ quả táo mèo vùng cao và mật ong, màu hổ phách, vị chua chát dịu, hậu ngọt. "
                    "Sản phẩm có cồn, chỉ bán cho người từ 18 tuổi."
                ),
                "origin_province": "dien_bien",
                "origin_ward": None,
                "stars": 3,
                "decision_number": "612/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2024-04-09",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": None,
                "available_months": [],
                "variants": [
                    {"label": "Chai 500 ml", "net_quantity": 500, "net_unit": "ml",
                     "price_vnd": 150000, "gtin": "8936147800116", "stock": 75},
                    {"label": "Bình 1 lít", "net_quantity": 1000, "net_unit": "ml",
                     "price_vnd": 260000, "gtin": "8936147800123", "stock": 30},
                ],
            },
            {
                "slug": "ruou-hoa-qua-mountain-queen",
                "name": "Rượu hoa quả MOUNTAIN QUEEN",
                "group": "beverages",
                "description": (
                    "Rượu ngâm từ hoa quả vùng núi Tây Bắc theo mùa. "
                    "Sản phẩm có cồn, chỉ bán cho người từ 18 tuổi."
                ),
                "origin_province": "dien_bien",
                "origin_ward": None,
                "stars": 3,
                "decision_number": "612/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2024-04-09",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": None,
                "available_months": [],
                "variants": [
                    {"label": "Chai 500 ml", "net_quantity": 500, "net_unit": "ml",
                     "price_vnd": 135000, "gtin": "8936147800215", "stock": 50},
                ],
            },
        ],
    },
    # [001] caption "Bánh Khẩu xén (Sắn, Gạo) - Hợp tác xã Lay Nưa". Ward
    # inferred from the name: old xã Lay Nưa belonged to thị xã Mường Lay, which
    # became Phường Mường Lay. Street and owner illustrative.
    # This product's certificate is the deliberately lapsed one.
    {
        "slug": "htx-lay-nua",
        "name": "Hợp tác xã Lay Nưa",
        "legal_type": "cooperative",
        "description": (
            "Hợp tác xã làm bánh khẩu xén, món bánh truyền thống của đồng bào Thái, "
            "từ sắn và gạo nếp của bà con địa phương."
        ),
        "province": "dien_bien",
        "ward": "Phường Mường Lay",
        "district_note": "xã Lay Nưa, thị xã Mường Lay",
        "street_address": "Khu trung tâm xã Lay Nưa cũ",
        "phone": "0389427615",
        "tax_code": "5601298478",
        "owner": {"email": "htxlaynua@demo.ocop.vn", "full_name": "Quàng Thị Hương"},
        "staff": [],
        "products": [
            {
                "slug": "banh-khau-xen",
                "name": "Bánh khẩu xén",
                "group": "food",
                "description": (
                    "Bánh cán mỏng từ bột sắn hoặc bột gạo nếp, phơi khô; khi ăn rán trong dầu nóng cho phồng giòn. "
                    "Có hai loại: bánh sắn và bánh gạo."
                ),
                "origin_province": "dien_bien",
                "origin_ward": "Phường Mường Lay",
                "stars": 3,
                "decision_number": "1894/QĐ-UBND",
                "issuing_level": "provincial",
                # Lapsed on 2025-11-15 (36 months); kept to exercise expiry handling.
                "issued_on": "2022-11-15",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": 180,
                "available_months": [],
                "variants": [
                    {"label": "Bánh sắn, gói 500 g", "net_quantity": 500, "net_unit": "g",
                     "price_vnd": 45000, "gtin": "8936170200112", "stock": 80},
                    {"label": "Bánh gạo, gói 500 g", "net_quantity": 500, "net_unit": "g",
                     "price_vnd": 50000, "gtin": "8936170200129", "stock": 65},
                ],
            },
        ],
    },
    # [001] caption "Miến Hồng Phước – Hợp tác xã Hồng Phước". Location (xã Nà
    # Tấu) and director Lò Văn Pâng from Báo Điện Biên Phủ's English edition
    # ("Improving efficiency of collective economy"). Street illustrative.
    {
        "slug": "htx-hong-phuoc",
        "name": "Hợp tác xã Hồng Phước",
        "legal_type": "cooperative",
        "description": (
            "Hợp tác xã ở Nà Tấu liên kết với các hộ trồng dong riềng, cung cấp giống, hướng dẫn kỹ thuật "
            "và chế biến miến dong đặc sản. Khi giá củ dong xuống, hợp tác xã vẫn thu mua theo giá sàn cho bà con."
        ),
        "province": "dien_bien",
        "ward": "Xã Nà Tấu",
        "district_note": "xã Nà Tấu, huyện Điện Biên",
        "street_address": "Bản Nà Tấu 2",
        "phone": "0963158274",
        "tax_code": "5600743912",
        "owner": {"email": "hongphuoc@demo.ocop.vn", "full_name": "Lò Văn Pâng"},
        "staff": [],
        "products": [
            {
                "slug": "mien-dong-hong-phuoc",
                "name": "Miến dong Hồng Phước",
                "group": "food",
                "description": (
                    "Miến làm từ tinh bột dong riềng do các hộ liên kết với hợp tác xã trồng, sợi dai và trong."
                ),
                "origin_province": "dien_bien",
                "origin_ward": "Xã Nà Tấu",
                "stars": 3,
                "decision_number": "486/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2025-03-18",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": 365,
                "available_months": [],
                "variants": [
                    {"label": "Gói 500 g", "net_quantity": 500, "net_unit": "g",
                     "price_vnd": 65000, "gtin": "8936073100113", "stock": 160},
                    {"label": "Gói 1 kg", "net_quantity": 1000, "net_unit": "g",
                     "price_vnd": 120000, "gtin": "8936073100120", "stock": 70},
                ],
            },
        ],
    },
    # [000] "cà phê Mường Ảng" among Điện Biên's flagship products. The seeds
    # name no maker, so this cooperative is ILLUSTRATIVE (name, owner, address).
    # Placed in the old Mường Ảng town, now Xã Mường Ảng.
    {
        "slug": "htx-ca-phe-muong-ang",
        "name": "Hợp tác xã Cà phê Arabica Mường Ảng",
        "legal_type": "cooperative",
        "description": (
            "Hợp tác xã thu mua, sơ chế và rang xay cà phê Arabica trồng ở thung lũng Mường Ảng. "
            "Cà phê Mường Ảng là một trong những sản phẩm OCOP phát huy lợi thế sẵn có của Điện Biên."
        ),
        "province": "dien_bien",
        "ward": "Xã Mường Ảng",
        "district_note": "thị trấn Mường Ảng, huyện Mường Ảng",
        "street_address": "Tổ dân phố 7",
        "phone": "0868245931",
        "tax_code": "5601635282",
        "owner": {"email": "caphemuongang@demo.ocop.vn", "full_name": "Cà Văn Tuấn"},
        "staff": [],
        "products": [
            {
                "slug": "ca-phe-arabica-muong-ang",
                "name": "Cà phê Arabica Mường Ảng",
                "group": "beverages",
                "description": (
                    "Cà phê Arabica hái chín, rang mộc, vị chua dịu, hương thơm đặc trưng của vùng đồi Mường Ảng."
                ),
                "origin_province": "dien_bien",
                "origin_ward": "Xã Mường Ảng",
                "stars": 3,
                "decision_number": "1876/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2025-09-30",
                # Pending: the admin has not yet checked the uploaded decision.
                "certification_verified": False,
                "certifications": ["vietgap"],
                "shelf_life_days": 365,
                "available_months": [],
                "variants": [
                    {"label": "Bột rang xay, gói 250 g", "net_quantity": 250, "net_unit": "g",
                     "price_vnd": 120000, "gtin": "8936186900112", "stock": 90},
                    {"label": "Hạt rang, gói 500 g", "net_quantity": 500, "net_unit": "g",
                     "price_vnd": 220000, "gtin": "8936186900129", "stock": 55},
                ],
            },
        ],
    },
    # [002] "miến dong Tài Hoan (huyện Na Rì) đạt chuẩn OCOP 5 sao", exported to
    # Europe; organic dong riềng areas. Address (thôn Chè Cọ, xã Côn Minh) and
    # director Nguyễn Thị Hoan from backan.gov.vn (27/06/2024, re-rated 5★ at
    # the central council of 25/6/2024) and nongnghiep.vn. Bắc Kạn is now part
    # of Thái Nguyên; Xã Côn Minh kept its name.
    {
        "slug": "htx-tai-hoan",
        "name": "Hợp tác xã Tài Hoan",
        "legal_type": "cooperative",
        "description": (
            "Hợp tác xã làm miến từ 100% tinh bột dong riềng đỏ, ký hợp đồng bao tiêu củ dong cho các hộ trồng ở Na Rì. "
            "Miến dong Tài Hoan đạt OCOP 5 sao và đã xuất khẩu sang thị trường châu Âu nhiều năm."
        ),
        "province": "thai_nguyen",
        "ward": "Xã Côn Minh",
        "district_note": "thôn Chè Cọ, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn",
        "street_address": "Thôn Chè Cọ",
        "phone": "0977360518",
        "tax_code": "4700316528",
        "owner": {"email": "taihoan@demo.ocop.vn", "full_name": "Nguyễn Thị Hoan"},
        "staff": [{"email": "banhang.taihoan@demo.ocop.vn", "full_name": "Hoàng Thị Mai"}],
        "products": [
            {
                "slug": "mien-dong-tai-hoan",
                "name": "Miến dong Tài Hoan",
                "group": "food",
                "description": (
                    "Miến dong phơi nắng tự nhiên, không chất bảo quản, chất tạo màu; sợi trong, dai, nấu không nát. "
                    "Sản phẩm OCOP 5 sao cấp quốc gia, nguyên liệu từ vùng dong riềng đạt chuẩn hữu cơ."
                ),
                "origin_province": "thai_nguyen",
                "origin_ward": "Xã Côn Minh",
                "stars": 5,
                "decision_number": "2652/QĐ-BNN-VPĐP",
                "issuing_level": "central",
                "issued_on": "2024-07-12",
                "certification_verified": True,
                "certifications": ["organic"],
                "shelf_life_days": 365,
                "available_months": [],
                "variants": [
                    {"label": "Gói 500 g", "net_quantity": 500, "net_unit": "g",
                     "price_vnd": 80000, "gtin": "8935220600117", "stock": 250},
                    {"label": "Túi 1 kg", "net_quantity": 1000, "net_unit": "g",
                     "price_vnd": 150000, "gtin": "8935220600124", "stock": 120},
                    {"label": "Hộp quà 3 gói × 300 g", "net_quantity": 900, "net_unit": "g",
                     "price_vnd": 165000, "gtin": "8935220600216", "stock": 40},
                ],
            },
        ],
    },
    # [002] "trà hoa vàng" among Bắc Kạn's best-known OCOP products; no maker
    # named. HTX Nông lâm Nghĩa Tá (xã Nghĩa Tá, Chợ Đồn; 3★; director Dương
    # Khánh Ly, thôn Bản Bẳng) from Báo Bắc Kạn and Hội LHPN Việt Nam coverage.
    {
        "slug": "htx-nong-lam-nghia-ta",
        "name": "Hợp tác xã Nông lâm Nghĩa Tá",
        "legal_type": "cooperative",
        "description": (
            "Hợp tác xã trồng và chế biến trà hoa vàng dưới tán rừng Nghĩa Tá, vùng trồng trà hoa vàng sớm nhất Bắc Kạn. "
            "Trà hoa vàng là một trong những sản phẩm OCOP đã gây dựng được thương hiệu của tỉnh."
        ),
        "province": "thai_nguyen",
        "ward": "Xã Nghĩa Tá",
        "district_note": "thôn Bản Bẳng, xã Nghĩa Tá, huyện Chợ Đồn, tỉnh Bắc Kạn",
        "street_address": "Thôn Bản Bẳng",
        "phone": "0394712086",
        "tax_code": "4700421875",
        "owner": {"email": "nghiata@demo.ocop.vn", "full_name": "Dương Khánh Ly"},
        "staff": [],
        "products": [
            {
                "slug": "tra-hoa-vang-nghia-ta",
                "name": "Trà hoa vàng Nghĩa Tá",
                "group": "herbal",
                "description": (
                    "Hoa trà vàng hái khi vừa nở rồi sấy khô, giữ màu vàng óng. "
                    "Nước trà vàng trong, hương thanh, vị ngọt nhẹ."
                ),
                "origin_province": "thai_nguyen",
                "origin_ward": "Xã Nghĩa Tá",
                "stars": 3,
                "decision_number": "2318/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2024-11-20",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": 730,
                "available_months": [],
                "variants": [
                    {"label": "Hộp 50 g hoa sấy", "net_quantity": 50, "net_unit": "g",
                     "price_vnd": 550000, "gtin": "8935881400118", "stock": 30},
                    {"label": "Hộp 20 túi lọc", "net_quantity": 20, "net_unit": "piece",
                     "price_vnd": 180000, "gtin": "8935881400125", "stock": 60},
                ],
            },
        ],
    },
    # [002] "tinh bột nghệ ... đang dần trở thành mặt hàng chủ lực"; no maker
    # named. HTX Nông nghiệp Tân Thành (xã Nông Thượng, TP Bắc Kạn; tinh bột
    # nghệ nếp đỏ and nếp đen, both 4★) from doanhnghiepkinhtexanh.vn. Which
    # 2025 ward took Nông Thượng is not certain, so no ward. Owner and thôn illustrative.
    {
        "slug": "htx-nong-nghiep-tan-thanh",
        "name": "Hợp tác xã Nông nghiệp Tân Thành",
        "legal_type": "cooperative",
        "description": (
            "Hợp tác xã trồng nghệ nếp và chế biến tinh bột nghệ nếp đỏ, nghệ nếp đen, hai sản phẩm đều đạt OCOP 4 sao. "
            "Tinh bột nghệ đang dần trở thành mặt hàng chủ lực của Bắc Kạn."
        ),
        "province": "thai_nguyen",
        "ward": None,
        "district_note": "xã Nông Thượng, thành phố Bắc Kạn, tỉnh Bắc Kạn",
        "street_address": "Thôn Tân Thành",
        "phone": "0917845263",
        "tax_code": "4700279467",
        "owner": {"email": "tanthanh@demo.ocop.vn", "full_name": "Ma Văn Đức"},
        "staff": [],
        "products": [
            {
                "slug": "tinh-bot-nghe-nep-do",
                "name": "Tinh bột nghệ nếp đỏ Bắc Kạn",
                "group": "herbal",
                "description": (
                    "Tinh bột nghệ từ củ nghệ nếp đỏ, bột mịn, màu vàng cam, dễ tan trong nước ấm hoặc mật ong."
                ),
                "origin_province": "thai_nguyen",
                "origin_ward": None,
                "stars": 4,
                "decision_number": "92/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2025-01-16",
                "certification_verified": True,
                "certifications": ["gacp_who"],
                "shelf_life_days": 730,
                "available_months": [],
                "variants": [
                    {"label": "Hũ 250 g", "net_quantity": 250, "net_unit": "g",
                     "price_vnd": 185000, "gtin": "8935739000118", "stock": 95},
                    {"label": "Hũ 500 g", "net_quantity": 500, "net_unit": "g",
                     "price_vnd": 350000, "gtin": "8935739000125", "stock": 45},
                ],
            },
            {
                "slug": "tinh-bot-nghe-nep-den",
                "name": "Tinh bột nghệ nếp đen Bắc Kạn",
                "group": "herbal",
                "description": (
                    "Tinh bột nghệ từ củ nghệ nếp đen trồng tại Bắc Kạn, được nghiền, lọc lấy tinh bột rồi phơi khô."
                ),
                "origin_province": "thai_nguyen",
                "origin_ward": None,
                "stars": 4,
                "decision_number": "92/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2025-01-16",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": 730,
                "available_months": [],
                "variants": [
                    {"label": "Hũ 250 g", "net_quantity": 250, "net_unit": "g",
                     "price_vnd": 220000, "gtin": "8935739000217", "stock": 35},
                ],
            },
        ],
    },
    # [004] lists "hạt mắc-ca khô" among Lai Châu's OCOP products; no maker
    # named. Công ty TNHH MTV Trường Giang Lai Châu (tổ dân phố số 3, phường
    # Đoàn Kết; director Lù Thị Bang; hot-air-dried macadamia from its Nậm
    # Nhùn and Phong Thổ orchards) from Báo Lai Châu, 20/08/2021.
    {
        "slug": "cong-ty-truong-giang-lai-chau",
        "name": "Công ty TNHH Một thành viên Trường Giang Lai Châu",
        "legal_type": "enterprise",
        "description": (
            "Doanh nghiệp trồng và chế biến mắc ca tại Lai Châu, sấy hạt bằng hệ thống máy sấy tuần hoàn khí nóng. "
            "Hạt mắc ca khô là một trong những sản phẩm OCOP Lai Châu được đưa vào hệ thống cửa hàng, siêu thị."
        ),
        "province": "lai_chau",
        "ward": "Phường Đoàn Kết",
        "district_note": "tổ dân phố số 3, phường Đoàn Kết, thành phố Lai Châu",
        "street_address": "Tổ dân phố số 3",
        "phone": "0985137642",
        "tax_code": "6200187356",
        "owner": {"email": "truonggiang@demo.ocop.vn", "full_name": "Lù Thị Bang"},
        "staff": [],
        "products": [
            {
                "slug": "hat-mac-ca-say-nut-vo",
                "name": "Hạt mắc ca Lai Châu sấy nứt vỏ",
                "group": "food",
                "description": (
                    "Hạt mắc ca trồng trên đồi Lai Châu, sấy khô và tách nứt vỏ, kèm dụng cụ tách. "
                    "Nhân bùi, béo ngậy, thơm."
                ),
                "origin_province": "lai_chau",
                "origin_ward": None,
                "stars": 3,
                "decision_number": "1689/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2024-10-22",
                "certification_verified": True,
                "certifications": [],
                "shelf_life_days": 365,
                "available_months": [],
                "variants": [
                    {"label": "Túi 500 g", "net_quantity": 500, "net_unit": "g",
                     "price_vnd": 150000, "gtin": "8936312500117", "stock": 180},
                    {"label": "Hộp 1 kg", "net_quantity": 1000, "net_unit": "g",
                     "price_vnd": 285000, "gtin": "8936312500124", "stock": 75},
                ],
            },
            {
                "slug": "nhan-mac-ca-say",
                "name": "Nhân mắc ca Lai Châu sấy",
                "group": "food",
                "description": (
                    "Nhân mắc ca đã tách vỏ, sấy giòn, đóng hũ kín. Ăn liền hoặc dùng làm bánh, sữa hạt."
                ),
                "origin_province": "lai_chau",
                "origin_ward": None,
                "stars": 3,
                "decision_number": "845/QĐ-UBND",
                "issuing_level": "provincial",
                "issued_on": "2026-05-14",
                # Pending: newly rated, decision not yet checked by the admin.
                "certification_verified": False,
                "certifications": [],
                "shelf_life_days": 270,
                "available_months": [],
                "variants": [
                    {"label": "Hũ 250 g", "net_quantity": 250, "net_unit": "g",
                     "price_vnd": 165000, "gtin": "8936312500216", "stock": 60},
                    {"label": "Hũ 500 g", "net_quantity": 500, "net_unit": "g",
                     "price_vnd": 310000, "gtin": "8936312500223", "stock": 20},
                ],
            },
        ],
    },
]
