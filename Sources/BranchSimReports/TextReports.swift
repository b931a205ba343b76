import BranchSimModel

/// Plain-text reports for the terminal: run, default, comparison and sweep tables, expectation lines.
public enum TextReports {
    // MARK: Run reports

    /// Tables for the metrics `selectors` name, one per selector.
    ///
    /// `funnel` / `funnel.CAMPAIGN`, `staffing` / `staffing.ROLE` and `upgrades` / `migration`
    /// get their own layouts; other selectors a table of metric | mean | 95% CI | p5 | p50 | p95.
    public static func runReport(_ r: RunResult, selectors: [String], options: ReportOptions = ReportOptions()) -> String {
        var sections: [String] = []
        let keys = r.metrics.map(\.key)
        for selector in selectors {
            let parts = selector.split(separator: ".").map(String.init)
            if parts.first == "funnel" && parts.count <= 2 {
                let campaigns = campaignNames(r).filter { parts.count == 1 || $0 == parts[1] }
                if !campaigns.isEmpty {
                    sections += campaigns.map { funnelTable(r, campaign: $0, options: options).render() }
                    continue
                }
            }
            if parts.first == "attribution" && parts.count <= 2 {
                let campaigns = campaignNames(r).filter { parts.count == 1 || $0 == parts[1] }
                if !campaigns.isEmpty {
                    sections += campaigns.map { attributionTable(r, campaign: $0, options: options).render() }
                    continue
                }
            }
            if parts.first == "staffing" && parts.count <= 2 {
                let roles = roleNames(r).filter { parts.count == 1 || $0 == parts[1] }
                if !roles.isEmpty {
                    sections.append(staffingTable(r, roles: roles, options: options).render())
                    continue
                }
            }
            if selector == "outlets" && !outletNames(r).isEmpty {
                sections.append(outletsReport(r, options: options))
                continue
            }
            if selector == "upgrades" || selector == "migration" {
                sections.append(upgradesReport(r, options: options))
                continue
            }
            var selected = MetricCatalog.select(selector, from: keys)
            // A path with a statistic (`uplift.p95`) shows its metric's row.
            if selected.isEmpty, let path = MetricCatalog.resolve(selector, keys: Set(keys)), path.scope == .run {
                selected = [path.metric]
            }
            if selected.isEmpty {
                sections.append("\(selector): no such metric in this run (`:help metrics` lists them)\n")
            } else {
                let (shown, zero) = splitZero(selected, in: [r])
                sections.append(metricTable(r, keys: shown, title: selector, options: options).render()
                                + zeroNote(zero))
            }
        }
        return sections.joined(separator: "\n")
    }

    /// What `run` prints: title, runs, seed and steps; the headline metrics; the staffing table.
    public static func defaultReport(_ r: RunResult, options: ReportOptions = ReportOptions()) -> String {
        var out = header(r)
        let headline = ["uplift", "aum.start", "aum.end", "upgrades", "conversions", "new_customers", "cost",
                        "uplift_per_cost"].filter { r.metricIndex($0) != nil }
        out += "\n" + metricTable(r, keys: headline, title: nil, options: options).render()
        if let inputs = InputReports.text(r, options: options) { out += "\n" + inputs }
        // Money, when the plan earns or pays its staff (docs/model.md, "Money").
        if outletMeasures(r).count > MetricCatalog.outletMetrics.count - MetricCatalog.moneyMetrics.count {
            out += "\n" + metricTable(r, keys: ["revenue", "staff_cost", "cost", "profit", "roi", "payback"], title: "money", options: options).render()
        }
        let roles = roleNames(r)
        if !roles.isEmpty { out += "\n" + staffingTable(r, roles: roles, options: options).render() }
        // Several outlets: each one's results and staffing next to the network's (one outlet's
        // would repeat the network's numbers).
        if outletNames(r).count > 1 { out += "\n" + outletsReport(r, options: options) }
        return out
    }

    /// The outlets' results table and, when there are roles, the staffing at each outlet.
    public static func outletsReport(_ r: RunResult, options: ReportOptions) -> String {
        var out = outletTable(r, options: options).render()
        let rows = outletStaffingRows(r)
        if !rows.isEmpty { out += "\n" + outletStaffingTable(rows, options: options).render() }
        return out
    }

    /// `TITLE (LABEL)` and `N runs (stopping), seed S, K weeks`.
    public static func header(_ r: RunResult) -> String {
        let label = r.label == "base" ? "" : "  (variant \(r.label))"
        return "\(r.title)\(label)\n"
            + "\(NumberFormat.count(Double(r.count))) runs (\(stoppingText(r.stopping))), seed \(r.seed), \(stepsText(r))\n"
    }

    /// How the replication count was decided, in words: `fixed`, or
    /// `until uplift within 2%: reached after 300` / `...: cap 10000 reached`.
    public static func stoppingText(_ s: Stopping) -> String {
        switch s {
        case .fixed:
            return "fixed"
        case .precision(let metric, let relative, let cap, let reached):
            let name = "until \(metric) within \(String(format: "%g%%", relative * 100))"
            return reached.map { "\(name): reached after \($0)" } ?? "\(name): cap \(cap) reached"
        }
    }

    static func stepsText(_ r: RunResult) -> String {
        "\(r.steps) \(r.stepUnit)\(r.steps == 1 ? "" : "s")"
    }

    /// metric | mean | 95% CI | p5 | p50 | p95 for `keys`.
    public static func metricTable(_ r: RunResult, keys: [String], title: String?, options: ReportOptions) -> TextTable {
        var t = TextTable(title: title, columns: [
            .init("metric", .left), .init("mean"), .init("95% CI"), .init("p5"), .init("p50"), .init("p95"),
        ])
        var rows: [[Cell]?] = []
        for key in keys {
            guard let i = r.metricIndex(key), let s = r.summary(of: key) else { continue }
            let unit = r.metrics[i].unit
            rows.append([.text(key), .value(s.mean, unit), .interval(s.ciLow, s.ciHigh, unit),
                         .value(s.p5, unit), .value(s.p50, unit), .value(s.p95, unit)])
        }
        fill(&t, rows, units: options.units)
        return t
    }

    // MARK: Specialised layouts

    /// Campaign names in metric order (from `occurrences.C`, else `funnel.C.*`).
    public static func campaignNames(_ r: RunResult) -> [String] {
        var seen = Set<String>(), out: [String] = []
        for m in r.metrics {
            let p = m.key.split(separator: ".", maxSplits: 2).map(String.init)
            if (p[0] == "occurrences" && p.count == 2) || (p[0] == "funnel" && p.count == 3),
               seen.insert(p[1]).inserted { out.append(p[1]) }
        }
        return out
    }

    /// Role names in metric order (from `staffing.ROLE.hours`).
    public static func roleNames(_ r: RunResult) -> [String] {
        r.metrics.compactMap { m in
            let p = m.key.split(separator: ".").map(String.init)
            return p.count == 3 && p[0] == "staffing" && p[2] == "hours" ? p[1] : nil
        }
    }

    /// Outlet (branch) names in metric order (from `outlet.BRANCH.uplift`).
    public static func outletNames(_ r: RunResult) -> [String] {
        r.metrics.compactMap { m in
            let p = m.key.split(separator: ".").map(String.init)
            return p.count == 3 && p[0] == "outlet" && p[2] == "uplift" ? p[1] : nil
        }
    }

    /// Tier names in metric order (from `migration.TIER.left`).
    public static func tierNames(_ r: RunResult) -> [String] {
        r.metrics.compactMap { m in
            let p = m.key.split(separator: ".").map(String.init)
            return p.count == 3 && p[0] == "migration" && p[2] == "left" ? p[1] : nil
        }
    }

    /// The funnel stages of a campaign in order, `contacts` first: (stage name, metric key).
    public static func funnelStages(_ r: RunResult, campaign: String) -> [(stage: String, key: String)] {
        let prefix = "funnel.\(campaign)."
        return r.metrics.compactMap { m in
            m.key.hasPrefix(prefix) && !MetricCatalog.isTierBreakdown(m.key) ? (String(m.key.dropFirst(prefix.count)), m.key) : nil
        }
    }

    /// attribution of a campaign by the customers' start tier: per tier that any run
    /// contacted, the mean contacts, customers past each stage, conversions and money moved
    /// in, then each tier's share of every column, then the customers lifted a tier.
    public static func attributionTable(_ r: RunResult, campaign: String, options: ReportOptions) -> TextTable {
        let stages = funnelStages(r, campaign: campaign).map(\.stage)
        let columns = stages + ["conversions", "subscribed"]
        func key(_ column: String, _ tier: String?) -> String {
            let suffix = tier.map { "." + $0 } ?? ""
            switch column {
            case "conversions": return "conversions.\(campaign)" + suffix
            case "subscribed": return "subscribed.\(campaign)" + suffix
            default: return "funnel.\(campaign).\(column)" + suffix
            }
        }
        var t = TextTable(title: "attribution: \(campaign) (mean, by start tier)",
                          columns: [.init("start tier", .left)] + columns.map { .init($0) })
        let tiers = tierNames(r).filter { (mean(r, key("contacts", $0)) ?? 0) > 0 }
        let totals = columns.map { mean(r, key($0, nil)) ?? .nan }
        var rows: [[Cell]?] = []
        for tier in tiers {
            rows.append([.text(tier)] + columns.map { c in .value(mean(r, key(c, tier)) ?? .nan, c == "subscribed" ? .money : .count) })
        }
        rows.append(nil)
        rows.append([.text("all")] + columns.enumerated().map { i, c in .value(totals[i], c == "subscribed" ? .money : .count) })
        rows.append(nil)
        for tier in tiers {
            rows.append([.text("\(tier) share")] + columns.enumerated().map { i, c in
                let v = mean(r, key(c, tier)) ?? .nan
                return .text(totals[i] > 0 ? NumberFormat.percent(v / totals[i]) : NumberFormat.missing)
            })
        }
        fill(&t, rows, units: options.units)
        var text = t
        if let up = mean(r, "upgraded.\(campaign)") {
            text.title = (text.title ?? "") + "; customers lifted a tier: \(NumberFormat.count(up))"
        }
        return text
    }

    static func mean(_ r: RunResult, _ key: String) -> Double? { r.summary(of: key)?.mean }

    /// stage | mean | passing (share of the stage before) | p5 | p95, then occurrences,
    /// conversions, turned away and unserved.
    public static func funnelTable(_ r: RunResult, campaign: String, options: ReportOptions) -> TextTable {
        var t = TextTable(title: "funnel: \(campaign)", columns: [
            .init("stage", .left), .init("mean"), .init("passing"), .init("p5"), .init("p95"),
        ])
        var previous: Double?
        var rows: [[Cell]?] = []
        for (stage, key) in funnelStages(r, campaign: campaign) {
            guard let s = r.summary(of: key) else { continue }
            let passing = previous.map { $0 > 0 ? NumberFormat.percent(s.mean / $0) : NumberFormat.missing } ?? ""
            rows.append([.text(stage), .value(s.mean, .count), .text(passing), .value(s.p5, .count), .value(s.p95, .count)])
            previous = s.mean
        }
        rows.append(nil)
        for (label, key) in [("occurrences", "occurrences.\(campaign)"), ("conversions", "conversions.\(campaign)"),
                             ("turned away", "turned_away.\(campaign)"), ("unserved", "unserved.\(campaign)")] {
            guard let s = r.summary(of: key) else { continue }
            rows.append([.text(label), .value(s.mean, .count), .text(""), .value(s.p5, .count), .value(s.p95, .count)])
        }
        // Occurrences staff hours covered only in part (`enforce staff`), when there were any.
        let cut = [("served in part", "served_in_part.\(campaign)"), ("contacts unserved", "unserved_contacts.\(campaign)")]
        if cut.contains(where: { (r.values(of: $0.1) ?? []).contains { $0 != 0 } }) {
            for (label, key) in cut {
                guard let s = r.summary(of: key) else { continue }
                rows.append([.text(label), .value(s.mean, .count), .text(""), .value(s.p5, .count), .value(s.p95, .count)])
            }
        }
        fill(&t, rows, units: options.units)
        return t
    }

    /// Per role (over the network, or at one outlet): what the plan needs against what the
    /// branches have.
    public struct StaffingRow: Sendable, Equatable {
        public var role: String
        public var hours: Double
        public var fteMean: Double
        public var fteP95: Double
        /// Mean over replications of the busiest step's FTE.
        public var peakFTE: Double
        public var managedFTE: Double
        public var available: Double
        /// The outlet, for a row of one outlet (nil: the network).
        public var outlet: String? = nil

        /// FTE needed at the 95th percentile. The engine's `staffing.ROLE.fte` already holds
        /// activity hours and the managed book together (docs/model.md), so nothing is added.
        public var needP95: Double { fteP95 }
        /// How many FTE short at p95 (0 when covered).
        public var shortfall: Double { max(0, needP95 - available) }

        public var status: String {
            shortfall > 0.005 ? "short by \(NumberFormat.fte(shortfall)) FTE" : "ok"
        }
    }

    public static func staffingRows(_ r: RunResult, roles: [String]? = nil) -> [StaffingRow] {
        (roles ?? roleNames(r)).map { role in
            let p = "staffing.\(role)."
            let fte = r.summary(of: p + "fte")
            let available = mean(r, p + "available") ?? r.availableFTE[role] ?? 0
            return StaffingRow(role: role, hours: mean(r, p + "hours") ?? .nan, fteMean: fte?.mean ?? .nan,
                               fteP95: fte?.p95 ?? .nan, peakFTE: mean(r, p + "peak_fte") ?? .nan,
                               managedFTE: mean(r, p + "managed_fte") ?? 0, available: available)
        }
    }

    /// Per outlet and role (`staffing.BRANCH.ROLE.*`), outlet by outlet: what that outlet's
    /// staff must do against the staff it has. Roles an outlet neither has nor needs are left out.
    public static func outletStaffingRows(_ r: RunResult) -> [StaffingRow] {
        let roles = roleNames(r)
        return outletNames(r).flatMap { outlet in
            roles.compactMap { role -> StaffingRow? in
                let p = "staffing.\(outlet).\(role)."
                guard let fte = r.summary(of: p + "fte") else { return nil }
                let available = mean(r, p + "available") ?? 0
                let hours = mean(r, p + "hours") ?? .nan
                if available == 0 && fte.max == 0 && (hours == 0 || hours.isNaN) { return nil }
                return StaffingRow(role: role, hours: hours, fteMean: fte.mean, fteP95: fte.p95,
                                   peakFTE: mean(r, p + "peak_fte") ?? .nan, managedFTE: mean(r, p + "managed_fte") ?? 0,
                                   available: available, outlet: outlet)
            }
        }
    }

    /// outlet | role | hours | FTE mean | FTE p95 | peak FTE | managed FTE | available | status.
    public static func outletStaffingTable(_ rows: [StaffingRow], options: ReportOptions) -> TextTable {
        var t = TextTable(title: "staffing by outlet (FTE needed at each outlet vs its own staff)", columns: [
            .init("outlet", .left), .init("role", .left), .init("hours"), .init("FTE mean"), .init("FTE p95"), .init("peak FTE"),
            .init("managed FTE"), .init("available"), .init("status", .left),
        ])
        var cells: [[Cell]?] = []
        for (i, row) in rows.enumerated() {
            let first = i == 0 || rows[i - 1].outlet != row.outlet
            if first && i > 0 { cells.append(nil) }
            let status = row.status == "ok" ? row.status : paint(row.status, .red, options)
            cells.append([.text(first ? row.outlet ?? "" : ""), .text(row.role), .value(row.hours, .hours), .value(row.fteMean, .fte),
                          .value(row.fteP95, .fte), .value(row.peakFTE, .fte), .value(row.managedFTE, .fte),
                          .value(row.available, .fte), .text(status)])
        }
        fill(&t, cells, units: options.units)
        return t
    }

    /// The outlet measures a table shows: uplift, upgrades, conversions and cost, and the money
    /// measures when the run earned or paid staff anything (docs/model.md, "Money").
    public static func outletMeasures(_ r: RunResult) -> [(key: String, unit: MetricUnit)] {
        let money = ["revenue", "staff_cost"].contains { k in r.values(of: k)?.contains { $0 != 0 } ?? false }
        let moneyKeys = Set(MetricCatalog.moneyMetrics.map(\.key))
        return MetricCatalog.outletMetrics.filter { money || !moneyKeys.contains($0.key) }
    }

    /// outlet | uplift | upgrades | conversions | cost [| revenue | staff_cost | profit | roi | payback],
    /// the means, then the network.
    public static func outletTable(_ r: RunResult, options: ReportOptions) -> TextTable {
        let measures = outletMeasures(r)
        var t = TextTable(title: "outlets (mean per outlet; uplift and upgrades of its customers, conversions and cost of what it hosted)",
                          columns: [.init("outlet", .left)] + measures.map { .init($0.key) })
        var rows: [[Cell]?] = outletNames(r).map { outlet in
            [.text(outlet)] + measures.map { m in .value(mean(r, "outlet.\(outlet).\(m.key)") ?? .nan, m.unit) }
        }
        rows.append(nil)
        rows.append([.text("network")] + measures.map { m in .value(mean(r, m.key) ?? .nan, m.unit) })
        fill(&t, rows, units: options.units)
        return t
    }

    /// role | hours | FTE mean | FTE p95 | peak FTE | managed FTE | available | status.
    public static func staffingTable(_ r: RunResult, roles: [String], options: ReportOptions) -> TextTable {
        var t = TextTable(title: "staffing (FTE needed vs on hand)", columns: [
            .init("role", .left), .init("hours"), .init("FTE mean"), .init("FTE p95"), .init("peak FTE"),
            .init("managed FTE"), .init("available"), .init("status", .left),
        ])
        let rows: [[Cell]?] = staffingRows(r, roles: roles).map { row in
            let status = row.status == "ok" ? row.status : paint(row.status, .red, options)
            return [.text(row.role), .value(row.hours, .hours), .value(row.fteMean, .fte), .value(row.fteP95, .fte),
                    .value(row.peakFTE, .fte), .value(row.managedFTE, .fte), .value(row.available, .fte), .text(status)]
        }
        fill(&t, rows, units: options.units)
        return t
    }

    /// Mean customers moving from each start tier (rows) to each end tier (columns) or leaving.
    public static func migrationMatrix(_ r: RunResult) -> (tiers: [String], cells: [[Double]]) {
        let tiers = tierNames(r)
        let cells = tiers.map { from in
            (tiers + ["left"]).map { to in mean(r, "migration.\(from).\(to)") ?? .nan }
        }
        return (tiers, cells)
    }

    static func upgradesReport(_ r: RunResult, options: ReportOptions) -> String {
        let (tiers, cells) = migrationMatrix(r)
        var out: [String] = []
        if !tiers.isEmpty {
            var t = TextTable(title: "tier migration (mean customers, start tier x end tier)",
                              columns: [.init("start \\ end", .left)] + (tiers + ["left"]).map { .init($0) })
            fill(&t, tiers.enumerated().map { i, from in [.text(from)] + cells[i].map { .value($0, .count) } }, units: options.units)
            out.append(t.render())
        }
        let keys = r.metrics.map(\.key)
        let rows = MetricCatalog.select("upgrades", from: keys) + MetricCatalog.select("downgrades", from: keys)
        if !rows.isEmpty { out.append(metricTable(r, keys: rows, title: "upgrades", options: options).render()) }
        return out.joined(separator: "\n")
    }

    // MARK: Rankings

    /// `rank outlets by METRIC`: per outlet (best mean rank first) the mean value, the mean
    /// rank, the share of runs ranked first, and the probability of each echelon.
    public static func rankingReport(_ k: OutletRanking, options: ReportOptions = ReportOptions()) -> String {
        let label = k.label == "base" ? "" : " (variant \(k.label))"
        var out = "rank outlets by \(k.metric)\(label): \(NumberFormat.count(Double(k.replications))) runs, "
        out += "\(k.outlets.count) outlets in \(k.echelons) echelon\(k.echelons == 1 ? "" : "s") (rank 1 = highest)\n"
        var t = TextTable(columns: [.init("outlet", .left), .init("mean"), .init("mean rank"), .init("P(rank 1)")]
                          + (1...k.echelons).map { .init("E\($0)") })
        var rows: [[Cell]?] = []
        for o in rankingOrder(k) {
            rows.append([.text(k.outlets[o]), .value(k.meanValue[o], k.unit),
                         .text(NumberFormat.grouped(k.meanRank(o), decimals: 2)), .text(NumberFormat.percent(k.rankProbability(o, rank: 1)))]
                        + k.echelonProbabilities(o).map { .text(NumberFormat.percent($0)) })
        }
        fill(&t, rows, units: options.units)
        return out + "\n" + t.render()
    }

    /// Outlets by mean rank (best first), ties in declaration order.
    public static func rankingOrder(_ k: OutletRanking) -> [Int] {
        k.outlets.indices.sorted { k.meanRank($0) < k.meanRank($1) || (k.meanRank($0) == k.meanRank($1) && $0 < $1) }
    }

    // MARK: Comparison

    /// Per metric: each variant's mean and 95% CI, each later variant minus the first with its
    /// 95% CI, and the probability that the later variant's value is higher.
    public static func comparisonReport(_ c: ComparisonResult, options: ReportOptions = ReportOptions()) -> String {
        guard let first = c.runs.first else { return "compare: nothing was run\n" }
        let names = c.runs.map(\.label)
        let n = NumberFormat.count(Double(first.count))
        var out = "compare \(names.joined(separator: ", ")): "
        out += c.independent
            ? "independent runs, \(n) each (intervals wider than with common random numbers)\n"
            : "common random numbers, \(n) paired runs\n"
        var t = TextTable(columns: [
            .init("metric", .left), .init("variant", .left), .init("mean"), .init("95% CI"),
            .init("P(> \(first.label))"),
        ])
        let (keys, zero) = splitZero(c.expandedMetrics, in: c.runs)
        var rows: [[Cell]?] = []
        for (k, key) in keys.enumerated() {
            if k > 0 { rows.append(nil) }
            let unit = MetricUnits.unit(of: key, in: first)
            for (i, run) in c.runs.enumerated() {
                guard let s = run.summary(of: key) else {
                    rows.append([.text(i == 0 ? key : ""), .text(run.label), .text(NumberFormat.missing)]); continue
                }
                rows.append([.text(i == 0 ? key : ""), .text(run.label), .value(s.mean, unit), .interval(s.ciLow, s.ciHigh, unit)])
            }
            for later in c.runs.indices.dropFirst() {
                guard let d = c.difference(of: key, first: 0, later: later) else { continue }
                let p = c.probabilityBetter(of: key, first: 0, later: later).map { NumberFormat.percent($0) } ?? ""
                rows.append([.text(""), .text("\(c.runs[later].label) - \(first.label)"), .value(d.mean, unit),
                             .interval(d.ciLow, d.ciHigh, unit), .text(p)])
            }
        }
        fill(&t, rows, units: options.units)
        if keys.isEmpty && zero.isEmpty { return out + "no metric of the comparison is in these runs\n" }
        return out + "\n" + (keys.isEmpty ? "" : t.render()) + zeroNote(zero)
    }

    // MARK: Sweep

    /// Per metric, one row per swept value: mean, 95% CI, p5, p95.
    public static func sweepReport(path: String, points: [(label: String, result: RunResult)], metrics: [String],
                                   options: ReportOptions = ReportOptions()) -> String {
        guard let first = points.first?.result else { return "sweep \(path): no values\n" }
        let out = "sweep \(path): \(points.count) value\(points.count == 1 ? "" : "s"), "
            + "\(NumberFormat.count(Double(first.count))) runs each\n\n"
        let (keys, zero) = splitZero(ReportSelection.expand(metrics, in: first), in: points.map(\.result))
        // A design over several paths (`a.contacts × a.frequency`) labels each point itself.
        let valueHeader = path.contains(" × ") ? "point" : path.split(separator: ".").last.map(String.init) ?? path
        var t = TextTable(columns: [
            .init("metric", .left), .init(valueHeader, .left), .init("mean"), .init("95% CI"), .init("p5"), .init("p95"),
        ])
        var rows: [[Cell]?] = []
        for (k, key) in keys.enumerated() {
            if k > 0 { rows.append(nil) }
            let unit = MetricUnits.unit(of: key, in: first)
            for (i, p) in points.enumerated() {
                let name = i == 0 ? key : ""
                guard let s = p.result.summary(of: key) else {
                    rows.append([.text(name), .text(p.label), .text(NumberFormat.missing)]); continue
                }
                rows.append([.text(name), .text(p.label), .value(s.mean, unit), .interval(s.ciLow, s.ciHigh, unit),
                             .value(s.p5, unit), .value(s.p95, unit)])
            }
        }
        fill(&t, rows, units: options.units)
        return out + (keys.isEmpty ? "" : t.render()) + zeroNote(zero)
    }

    /// Splits keys into those to tabulate and those that are 0 in every replication of every
    /// run (a tier no campaign touches, say): a row of zeros per variant helps nobody. A single
    /// key asked for by name is always shown.
    static func splitZero(_ keys: [String], in runs: [RunResult]) -> (shown: [String], zero: [String]) {
        guard keys.count > 1 else { return (keys, []) }
        var shown: [String] = [], zero: [String] = []
        for key in keys {
            let allZero = runs.allSatisfy { r in r.values(of: key).map { $0.allSatisfy { $0 == 0 } } ?? false }
            if allZero { zero.append(key) } else { shown.append(key) }
        }
        return (shown, zero)
    }

    static func zeroNote(_ zero: [String]) -> String {
        zero.isEmpty ? "" : "zero in every run: " + zero.joined(separator: ", ") + "\n"
    }

    /// The same for a `SweepResult`.
    public static func sweepReport(_ s: SweepResult, options: ReportOptions = ReportOptions()) -> String {
        sweepReport(path: s.path, points: s.points.map { ($0.label, $0.result) }, metrics: s.metrics, options: options)
    }

    // MARK: Cells

    /// A table cell before formatting: numbers keep their values until every row is in, so
    /// each column gets one format (`ColumnFormat`), not one per cell.
    enum Cell {
        case text(String)
        case value(Double, MetricUnit)
        case interval(Double, Double, MetricUnit)
    }

    /// Adds `rows` to `t` (`nil`: a rule), each numeric column in one format.
    static func fill(_ t: inout TextTable, _ rows: [[Cell]?], units: MoneyUnits) {
        let width = rows.reduce(0) { max($0, $1?.count ?? 0) }
        let formats = (0..<width).map { column in
            ColumnFormat(units: units, values: rows.flatMap { row -> [(value: Double, unit: MetricUnit)] in
                guard let row, column < row.count else { return [] }
                switch row[column] {
                case .text: return []
                case .value(let v, let u): return [(v, u)]
                case .interval(let a, let b, let u): return [(a, u), (b, u)]
                }
            })
        }
        for row in rows {
            guard let row else { t.addRule(); continue }
            t.add(row.enumerated().map { column, cell in
                switch cell {
                case .text(let s): return s
                case .value(let v, let u): return formats[column].value(v, unit: u)
                case .interval(let a, let b, let u): return formats[column].interval(a, b, unit: u)
                }
            })
        }
    }

    // MARK: Expectations

    /// `PASS  uplift.mean > 0  measured 1,234,567 (95% CI 1,100,000 .. 1,350,000)`;
    /// a failure also names where the expectation was written.
    public static func expectationLine(_ e: Expectation, measured: Double, interval: (Double, Double)?, passed: Bool,
                                       location: SourceLocation, against: Double? = nil, unit: MetricUnit? = nil,
                                       options: ReportOptions = ReportOptions()) -> String {
        func f(_ v: Double) -> String {
            switch e.path.scope {
            case .compareProbBetter: return NumberFormat.general(v)
            case .decision: return unit.map { NumberFormat.value(v, unit: $0, units: options.units) } ?? NumberFormat.general(v)
            case .run, .compareDiff: return NumberFormat.value(v, unit: unit ?? MetricUnits.guess(e.path.metric), units: options.units)
            }
        }
        var line = passed ? paint("PASS", .green, options) : paint("FAIL", .red, options)
        line += "  \(e.text)  measured \(f(measured))"
        if let (a, b) = interval { line += " (95% CI \(f(a)) .. \(f(b)))" }
        if let against { line += " against \(f(against))" }
        if !passed { line += "  at \(location)" }
        return line
    }

    /// The same for a stored outcome.
    public static func expectationLine(_ o: ExpectationOutcome, options: ReportOptions = ReportOptions()) -> String {
        if let note = o.note {
            return paint("FAIL", .red, options) + "  \(o.expectation.text)  (\(note))  at \(o.location)"
        }
        return expectationLine(o.expectation, measured: o.measured, interval: o.interval, passed: o.passed,
                               location: o.location, against: o.against, unit: o.unit, options: options)
    }

    // MARK: Colour

    enum Colour: String { case red = "31", green = "32" }

    static func paint(_ s: String, _ c: Colour, _ options: ReportOptions) -> String {
        options.colour ? "\u{1B}[1;\(c.rawValue)m\(s)\u{1B}[0m" : s
    }
}
