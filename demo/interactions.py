"""What the demo's interactions say: a subject and details that fit each type (a complaint complains, a delivery
delivers), in the customer's language. Promotion responses, and the complaints answered by a service record, are
seeded with their costs and follow-ups by customers/demo.py."""

# type → language ("zh", "en") → (subject, details)
INTERACTION_TEXTS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "visit_report": {
        "zh": (
            ("拜访采购部", "与采购经理沟通下季度闸阀需求, 对方关注交期和价格, 约定下月报价。"),
            ("走访新厂区", "客户新建厂区预计明年投产, 需要 DN50–DN300 球阀约 200 台, 已介绍我方产品线。"),
            ("年度合作回顾", "回顾今年订单和回款情况, 客户对服务满意, 希望明年签订年度框架协议。"),
        ),
        "en": (
            (
                "Visit to the purchasing team",
                "Met the buyer about next quarter's gate valves; lead time and price matter most; quote next month.",
            ),
            (
                "Site visit: new plant",
                "The new plant starts up next year and needs about 200 ball valves DN50–DN300. Presented our range.",
            ),
            (
                "Annual account review",
                "Went through this year's orders and payments; the customer is pleased and wants a frame agreement.",
            ),
        ),
    },
    "quality_feedback": {
        "zh": (
            ("DN100 闸阀密封面渗漏", "现场试压时两台闸阀密封面渗漏, 客户要求尽快派人检查。"),
            ("球阀操作扭矩偏大", "客户反映新批次球阀手柄操作费力, 已请质检部复核出厂扭矩记录。"),
        ),
        "en": (
            (
                "Seat leakage on DN100 gate valves",
                "Two gate valves leaked at the seat during the site pressure test; the customer wants an inspection.",
            ),
            (
                "High operating torque on ball valves",
                "The new batch of ball valves is hard to turn; QA is checking the factory torque records.",
            ),
        ),
    },
    "technical_requirement": {
        "zh": (
            ("高温工况选型", "介质为 420°C 蒸汽, 需要 PN40 截止阀, 阀体材质 WC9, 请技术部出选型方案。"),
            ("防爆电动执行器需求", "新项目要求电动蝶阀配防爆执行器 (Ex d IIB T4), 并提供 4–20 mA 反馈。"),
        ),
        "en": (
            (
                "Selection for high-temperature steam",
                "420 °C steam at PN40: globe valves in WC9 needed; engineering to propose a selection.",
            ),
            (
                "Explosion-proof actuators",
                "The new project needs butterfly valves with Ex d IIB T4 electric actuators and 4–20 mA feedback.",
            ),
        ),
    },
    "delivery": {
        "zh": (
            ("交货确认", "本批 40 台蝶阀已到货, 客户验收数量无误, 签收单已回传。"),
            ("分批发货安排", "客户要求余下订单分两批发货, 第一批月底前送达现场仓库。"),
        ),
        "en": (
            (
                "Delivery confirmed",
                "The 40 butterfly valves arrived; the customer counted them and returned the signed delivery note.",
            ),
            (
                "Split shipment agreed",
                "The rest of the order ships in two lots; the first reaches the site store by the month's end.",
            ),
        ),
    },
    "service": {
        "zh": (
            ("现场安装指导", "派工程师到现场指导安全阀安装和整定, 客户操作人员已完成培训。"),
            ("年度检修服务", "协助客户完成装置停车检修, 更换闸阀填料 12 套。"),
        ),
        "en": (
            (
                "On-site installation support",
                "Our engineer supervised the safety valve installation and set pressures; operators trained.",
            ),
            ("Annual shutdown service", "Helped with the plant shutdown and repacked 12 gate valves."),
        ),
    },
    "complaint": {
        "zh": (
            ("投诉: 交期延误", "客户投诉上批订单比约定交期晚到 10 天, 影响其项目进度, 要求说明原因。"),
            ("投诉: 发票信息有误", "客户反映发票抬头和税号有误, 要求重开发票。"),
        ),
        "en": (
            (
                "Complaint: late delivery",
                "The last order arrived 10 days after the agreed date and held up the project; they want to know why.",
            ),
            (
                "Complaint: wrong invoice details",
                "The invoice shows the wrong company name and tax number; the customer asks for a new one.",
            ),
        ),
    },
    "suggestion": {
        "zh": (
            ("建议提供在线查询订单状态", "客户建议开放订单和物流状态在线查询, 减少电话确认。"),
            ("建议包装加固", "客户建议出口包装增加木箱加固, 避免长途运输磕碰。"),
        ),
        "en": (
            (
                "Suggestion: order tracking online",
                "The customer would like to follow orders and shipments online instead of phoning.",
            ),
            (
                "Suggestion: sturdier crates",
                "The customer suggests reinforced wooden crates for long-distance shipments.",
            ),
        ),
    },
}
