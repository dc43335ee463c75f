from decimal import Decimal as D

from procurement.scoring import Offer, abnormally_low, evaluate, evaluated_price, price_scores


def test_small_and_micro_firms_get_the_deduction_in_unreserved_lots():
    small = Offer("a", D("100000"), scale="small")
    assert evaluated_price(small, deduction_rate=D("10"), consortium_rate=D("4"),
                           reserved=False) == (D("90000.00"), D("10"))
    assert evaluated_price(small, deduction_rate=D("10"), consortium_rate=D("4"),
                           reserved=True) == (D("100000.00"), D("0"))
    medium = Offer("b", D("100000"), scale="medium")
    assert evaluated_price(medium, deduction_rate=D("10"), consortium_rate=D("4"),
                           reserved=False)[1] == D("0")
    consortium = Offer("c", D("100000"), scale="large", consortium_small_share=D("30"))
    assert evaluated_price(consortium, deduction_rate=D("10"), consortium_rate=D("4"),
                           reserved=False) == (D("96000.00"), D("4"))


def test_price_score_is_benchmark_over_price_times_weight():
    scores = price_scores({"a": D("90000"), "b": D("100000"), "c": D("120000")}, D("30"))
    assert scores == {"a": D("30.00"), "b": D("27.00"), "c": D("22.50")}


def test_abnormally_low_is_flagged_against_the_mean_of_the_others():
    prices = {"a": D("50"), "b": D("100"), "c": D("100"), "d": D("100")}
    assert abnormally_low(prices, D("40")) == {"a"}
    assert abnormally_low({"a": D("61"), "b": D("100")}, D("40")) == set()


def test_scoring_ranks_by_total_then_lower_price():
    offers = [Offer("a", D("100000"), other_scores=D("60")),
              Offer("b", D("100000"), other_scores=D("60")),
              Offer("c", D("90000"), scale="small", other_scores=D("55"))]
    ranked = evaluate(offers, scoring=True, price_weight=D("30"), seed=7)
    # c: evaluated 81000 → 30 + 55 = 85; a, b: 81000/100000*30 = 24.3 + 60 = 84.3
    # a and b: equal total and price — tied, settled by the draw (seed 7).
    assert ranked[0].key == "c" and {r.key for r in ranked[1:]} == {"a", "b"}
    assert [r.rank for r in ranked] == [1, 2, 3]
    assert [r.tied for r in ranked] == [False, True, True]
    assert ranked[0].total == D("85.00") and ranked[1].total == D("84.30")


def test_equal_totals_go_to_the_lower_price():
    offers = [Offer("dear", D("110000"), other_scores=D("62.73")),
              Offer("cheap", D("100000"), other_scores=D("60"))]
    ranked = evaluate(offers, scoring=True, price_weight=D("30"))
    # dear: 100000/110000*30 = 27.27 + 62.73 = 90.00; cheap: 30 + 60 = 90.00
    assert ranked[0].total == ranked[1].total == D("90.00")
    assert [r.key for r in ranked] == ["cheap", "dear"]


def test_lowest_evaluated_price_method():
    offers = [Offer("a", D("95000")), Offer("b", D("100000"), scale="micro"),
              Offer("c", D("93000"))]
    ranked = evaluate(offers, scoring=False, deduction_rate=D("10"))
    assert [r.key for r in ranked] == ["b", "c", "a"]  # b evaluated at 90000


def test_same_brand_bidders_count_as_one():
    offers = [Offer("a", D("100000"), brand="迈瑞"), Offer("b", D("98000"), brand="迈瑞 "),
              Offer("c", D("99000"), brand="理邦")]
    ranked = evaluate(offers, scoring=False)
    assert [(r.key, r.rank, r.candidate) for r in ranked] == [
        ("b", 1, True), ("c", 2, True), ("a", 0, False)]
    assert "87号令 第31条" in ranked[-1].notes[0]


def test_no_bid_is_dropped():
    offers = [Offer(str(i), D(p)) for i, p in enumerate(["1000", "5000", "9000"])]
    assert len(evaluate(offers, scoring=True, price_weight=D("30"))) == 3
