/// Conversions and referrals: those who passed an occurrence's funnel move money from
/// off-bank to in-bank and take flat products; each may refer a new customer.
extension Replicator {
    /// Converts the customers in `occurrence.passing`, in order, each followed by its referral
    /// draw.
    /// Each conversion counts towards the campaign's attribution (`M`): its money, a tier it
    /// lifted the customer to, and both by the tier the customer started in.
    mutating func convertPassing(_ ref: CampaignRef, campaign ci: Int, hostBranch: Int, slots M: CampaignSlots) {
        let referral = ref.plan.referralProbability
        let conversionsRow = M.byTier + (1 + M.stageCount) * tiers, moneyRow = conversionsRow + tiers
        for i in 0..<occurrence.passing.count {
            let c = Int(occurrence.passing[i])
            let base = occurrence.passingBase[i]
            let before = customers.tier[c], from = Int(customers.startTier[c])
            let amount = convert(c, base: base, ref)
            if plan.earns && amount > 0 { earn(amount, ref, campaign: ci, host: hostBranch) }
            metrics.values[conversionsRow + from] += 1
            metrics.values[moneyRow + from] += amount
            metrics.values[M.subscribed] += amount
            if customers.tier[c] > before { metrics.values[M.upgraded] += 1 }
            if referral > 0 && keyedUnit(RandomKey.mix(base, Purpose.referral)) < referral {
                guard referralRoom > 0 else { referralCapReached = true; continue }
                referralRoom -= 1
                addCustomer(branch: hostBranch, tier: ref.plan.referralTier, isNew: true)
                metrics.values[plan.layout.newCustomers] += 1
            }
        }
    }

    /// A conversion: an amount moves from off-bank to in-bank, split over the non-flat
    /// products bought; each flat product is taken with its probability. Returns the amount.
    @discardableResult
    mutating func convert(_ c: Int, base: UInt64, _ cp: CampaignRef) -> Double {
        bringCurrent(c)
        var amount = 0.0
        if let d = cp.plan.amount, !cp.plan.buyMoney.isEmpty {
            var g = SplitMix64(key: RandomKey.mix(base, Purpose.amount))
            if case .lognormal(let median, _) = d {
                amount = Sampler.lognormal(median: median, sigma: cp.plan.amountSigma, using: &g)
            } else {
                amount = Sampler.amount(d, offbank: customers.offbank[c], using: &g)
            }
            draws &+= g.draws
            if cp.plan.capByOffbank { amount = min(amount, max(0, customers.offbank[c])) }
            amount = max(0, amount)
        }
        for f in cp.plan.buyFlat where keyedUnit(RandomKey.mix(RandomKey.mix(base, Purpose.buyFlat), plan.productKey[f.product])) < f.probability {
            customers.flatHeld[c] |= 1 << UInt64(f.product)
        }
        if amount > 0 {
            for m in cp.plan.buyMoney {
                customers.balance[c * products + m.product] += amount * m.share
                let slot = plan.termSlot[m.product]
                if slot >= 0 { terms.set(c, branch: Int(customers.branch[c]), slot: slot, to: now + plan.termTicks[m.product], now: now) }
            }
            customers.total[c] += amount
            sets.aum[setOf(c)] += amount
            customers.offbank[c] = max(0, customers.offbank[c] - amount)
        }
        reevaluate(c)
        return amount
    }
}
