"""Demo display points: where the demo operator works, what each carries, and
a first delivery on the shelves. Names are plausible, not from the seeds (the
articles mention display points only in general)."""

POINTS = [
    {
        "name": "Điểm giới thiệu và bán sản phẩm OCOP tỉnh Điện Biên",
        "point_type": "ocop_centre", "province": "dien_bien", "ward": "Phường Điện Biên Phủ",
        "street_address": "Số 8 đường Võ Nguyên Giáp", "opening_hours": "7:30–21:30 hằng ngày",
        "phone": "0215 3825 999", "operated_by_demo_operator": True,
        "lead_operator": "lead_operator",  # an account of data.ACCOUNTS, assigned as the point's lead
        # producer slug → commission the point keeps, in basis points
        "consignments": {"htx-ong-mat-dien-bien": 1500, "htx-nong-nghiep-cco-dien-bien-dong": 1500,
                         "htx-ca-phe-muong-ang": 1200, "htx-tai-hoan": 1500},
        # a first delivery: (producer slug, product slug, variant label, units, lot code, expires on)
        "opening_stock": [
            ("htx-ca-phe-muong-ang", "ca-phe-arabica-muong-ang", None, 24, "MA-2611", "2027-08-31"),
            ("htx-tai-hoan", "mien-dong-tai-hoan", None, 40, "TH-2610", "2027-10-15"),
        ],
    },
    {
        "name": "Quầy OCOP Cảng hàng không Điện Biên Phủ",
        "point_type": "airport_kiosk", "province": "dien_bien", "ward": "Phường Mường Thanh",
        "street_address": "Cảng hàng không Điện Biên Phủ, đường Võ Nguyên Giáp", "opening_hours": "6:00–19:00",
        "phone": None, "operated_by_demo_operator": True,
        # Mường Ảng coffee too, so the centre can send the kiosk what travellers buy most
        "consignments": {"htx-ong-mat-dien-bien": 1800, "htx-tai-hoan": 1800, "htx-ca-phe-muong-ang": 1500},
        "opening_stock": [],
    },
    {
        "name": "Điểm giới thiệu sản phẩm OCOP tỉnh Lai Châu",
        "point_type": "showroom", "province": "lai_chau", "ward": "Phường Tân Phong",
        "street_address": "Đại lộ Lê Lợi", "opening_hours": "8:00–20:00",
        "phone": None, "operated_by_demo_operator": False,
        "consignments": {"cong-ty-truong-giang-lai-chau": 1200},
        "opening_stock": [],
    },
]
