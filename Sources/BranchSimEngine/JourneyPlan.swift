import BranchSimModel

/// One step of a compiled `where` condition, evaluated in postfix order over a stack of bits
/// (`Replicator.admits`): no enum tree, nothing retained, per customer.
struct PredOp: Sendable {
    enum Code: UInt8, Sendable, BitwiseCopyable {
        case segment, balance, maturing, holdsMoney, holdsFlat, products, event, and, or, not, never
    }
    var code: Code
    /// Segment mask, product, history slot or product count, by `code`.
    var int: Int = 0
    var comparison: Comparison = .equal
    var low: Double = 0
    var high: Double = 0
    /// Ticks of a window (`Int.max`: ever); `maturing`: its window.
    var window: Int = 0
}

/// What a replication's customer history records (`History`): one column of last-event ticks
/// per event some condition or ranking names, and for the events that drive a hand-off (the
/// candidates of a selection come from them), a log of recent events in time order.
struct HistoryPlan: Sendable {
    var slots = 0
    /// Per slot: whether its events are logged (a hand-off draws its candidates from them), and
    /// how long a logged event is kept (`Int.max`: the whole run).
    var logged: [Bool] = []
    var keep: [Int] = []
    var joinSlot = -1, upgradeSlot = -1, downgradeSlot = -1, anyContactSlot = -1

    var recordsTierChanges: Bool { upgradeSlot >= 0 || downgradeSlot >= 0 }
}

extension SimulationPlan {
    /// Compiles the campaigns' conditions and rankings, and the history they read: event
    /// slots, which campaign writes which, and each campaign's driving hand-off.
    static func compileJourneys(_ plans: inout [CampaignPlan], _ s: Scenario) -> HistoryPlan {
        var h = HistoryPlan()
        var slotOf: [CustomerEvent: Int] = [:]
        let campaignIndex = Dictionary(s.campaigns.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
        func slot(_ e: CustomerEvent) -> Int {
            if let k = slotOf[e] { return k }
            let k = h.slots
            h.slots += 1
            h.logged.append(false)
            h.keep.append(0)
            slotOf[e] = k
            return k
        }
        /// The slot of an event that can happen in this scenario, or nil (a dropped source).
        func resolve(_ e: CustomerEvent) -> Int? {
            switch e {
            case .contacted(let name?), .converted(let name):
                guard campaignIndex[name] != nil else { return nil }
            case .passed(let name, let stage):
                guard let ci = campaignIndex[name], s.campaigns[ci].funnel.contains(where: { $0.name == stage }) else { return nil }
            case .contacted(nil), .joined, .upgraded, .downgraded: break
            }
            return slot(e)
        }
        func ticks(_ d: CalendarDuration?) -> Int { d.map(\.ticks) ?? Int.max }
        func compile(_ c: Condition, into ops: inout [PredOp]) {
            switch c {
            case .segment(let sg): ops.append(PredOp(code: .segment, int: Int(bitPattern: UInt(1) << UInt(sg))))
            case .balance(let a, let b): ops.append(PredOp(code: .balance, low: a, high: b))
            case .maturing(let p, let w): ops.append(PredOp(code: .maturing, int: p, window: w.ticks))
            case .holds(let p): ops.append(PredOp(code: s.products[p].flat ? .holdsFlat : .holdsMoney, int: p))
            case .products(let cmp, let n): ops.append(PredOp(code: .products, int: n, comparison: cmp))
            case .event(let e, let w):
                if let k = resolve(e) { ops.append(PredOp(code: .event, int: k, window: ticks(w))) } else { ops.append(PredOp(code: .never)) }
            case .and(let items), .or(let items):
                let joint: PredOp.Code
                if case .and = c { joint = .and } else { joint = .or }
                for (i, x) in items.enumerated() {
                    compile(x, into: &ops)
                    if i > 0 { ops.append(PredOp(code: joint)) }
                }
            case .not(let x):
                compile(x, into: &ops)
                ops.append(PredOp(code: .not))
            }
        }
        for (ci, c) in s.campaigns.enumerated() {
            plans[ci].stageSlots = Array(repeating: -1, count: c.funnel.count)
            if let cond = c.condition {
                var ops: [PredOp] = []
                compile(cond, into: &ops)
                plans[ci].condition = ops
                // The driver: the condition itself or the first of its `and`s that is an event
                // (a hand-off): candidates come from that event's log, not from a scan.
                var driver: (CustomerEvent, CalendarDuration?)?
                switch cond {
                case .event(let e, let w): driver = (e, w)
                case .and(let items):
                    for x in items { if case .event(let e, let w) = x { driver = (e, w); break } }
                default: break
                }
                if let (e, w) = driver {
                    if let k = resolve(e) {
                        plans[ci].driverSlot = k
                        plans[ci].driverWindow = ticks(w)
                        h.logged[k] = true
                        h.keep[k] = max(h.keep[k], ticks(w))
                    } else {
                        plans[ci].driverSlot = -2  // its source does not run: nobody qualifies
                    }
                }
            }
            switch c.rank {
            case .none: plans[ci].rankCode = 0
            case .gap?: plans[ci].rankCode = 1
            case .balance(let descending)?: plans[ci].rankCode = descending ? 2 : 3
            case .lastContact?:
                plans[ci].rankCode = 4
                plans[ci].rankSlot = slot(.contacted(campaign: nil))
            }
            plans[ci].journey = c.condition != nil || c.rank != nil
        }
        // Who writes what: contacts, stages and conversions of the named campaigns.
        for (e, k) in slotOf {
            switch e {
            case .contacted(let name?): plans[campaignIndex[name]!].contactSlots.append(k)
            case .contacted(nil):
                h.anyContactSlot = k
                for ci in plans.indices { plans[ci].contactSlots.append(k) }
            case .passed(let name, let stage):
                let ci = campaignIndex[name]!
                plans[ci].stageSlots[s.campaigns[ci].funnel.firstIndex { $0.name == stage }!] = k
            case .converted(let name): plans[campaignIndex[name]!].convertSlot = k
            case .joined: h.joinSlot = k
            case .upgraded: h.upgradeSlot = k
            case .downgraded: h.downgradeSlot = k
            }
        }
        for ci in plans.indices {
            plans[ci].contactSlots.sort()
            plans[ci].recordsEvents = !plans[ci].contactSlots.isEmpty || plans[ci].convertSlot >= 0
                || plans[ci].stageSlots.contains { $0 >= 0 }
        }
        return h
    }
}
