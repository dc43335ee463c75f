from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self):
        from audit.actions import register_actions, register_overrides
        from audit.selectors import register_sealed_filter as seal_audit_events
        from notifications.categories import register_category
        from notifications.selectors import register_sealed_filter as seal_messages

        from . import receivers
        from .selectors import sealed_audit_events, sealed_messages

        receivers.connect()

        # Who obtained the documents or bid stays hidden until opening (selectors.py).
        seal_audit_events(sealed_audit_events)
        seal_messages(sealed_messages)

        register_category("procurement.clarification",
                          _("Clarification of documents you obtained"), statutory=True)
        register_category("procurement.opening", _("Bid opening results"), statutory=True)
        register_category("procurement.committee", _("Invitation to an evaluation committee"),
                          statutory=True)
        register_category("procurement.result", _("Result of a procurement you bid in"),
                          statutory=True)
        register_category("procurement.qualification",
                          _("Result of your qualification application"), statutory=True)
        register_category("procurement.invitation",
                          _("Invitation to bid in an invitational tender"), statutory=True)
        register_category("procurement.negotiation",
                          _("Negotiation or consultation you take part in"), statutory=True)
        register_category("procurement.query",
                          _("Questions from an evaluation committee about your bid"),
                          statutory=True)
        register_category("procurement.method_approval",
                          _("The finance bureau's approval of a procurement method"),
                          statutory=True)
        register_category("procurement.objection",
                          _("Objections to a single-source publicity"), statutory=True)

        register_overrides("demand.override")
        register_actions({
            "budget.create": _("Budget line recorded"),
            "intention.publish": _("Procurement intention published"),
            "demand.create": _("Demand drafted"),
            "demand.update": _("Demand changed"),
            "demand.check": _("Fair-competition check run"),
            "demand.check_refused": _("Demand refused by the fair-competition check"),
            "demand.override": _("Fair-competition warning overridden"),
            "project.create": _("Project drafted"),
            "project.create_refused": _("Project refused"),
            "project.submit": _("Project submitted for approval"),
            "project.approve": _("Project approved"),
            "project.approve_refused": _("Project approval refused"),
            "project.return": _("Project returned to the drafter"),
            "project.announce": _("Tender announcement published"),
            "project.announce_refused": _("Announcement refused"),
            "project.cancel": _("Project cancelled"),
            "announcement.clarify": _("Clarification published"),
            "announcement.recompute": _("Notice periods recomputed on the loaded calendar"),
            "documents.obtain": _("Procurement documents obtained (free)"),
            "bid.seal": _("Bid sealed"),
            "bid.withdraw": _("Bid withdrawn"),
            "bid.refused": _("Bid refused"),
            "lot.open": _("Lot opened"),
            "lot.fail": _("Lot failed"),
            "committee.draw": _("Evaluation committee drawn"),
            "bid.review": _("Bid reviewed"),
            "bid.score": _("Bid scored"),
            "bid.file_access": _("Opened bid's documents read by the committee or organiser"),
            "evaluation.report": _("Evaluation report submitted"),
            "negotiation.session": _("Negotiation session recorded"),
            "negotiation.change": _("Written change to the documents sent"),
            "negotiation.exclude": _("Supplier excluded from the negotiation"),
            "negotiation.round": _("Next negotiation round"),
            "negotiation.call": _("Final quotations called for"),
            "negotiation.open": _("Final quotations opened"),
            "final_quote.seal": _("Final quotation sealed"),
            "final_quote.refused": _("Final quotation refused"),
            "negotiation.refused": _("Negotiation step refused"),
            "bid.final_price": _("Final quotation became the evaluated price"),
            "award.confirm": _("Winner confirmed; award notice issued"),
            "bid.query": _("Bidder asked to correct or explain its price"),
            "bid.query_answer": _("Bidder answered the committee"),
            "bid.query_decide": _("Committee decided on a bidder's answer"),
            "project.assistant": _("Procurement assistant named"),
            "project.retender": _("Failed lots procured again"),
            "qualification.notice": _("Qualification notice published"),
            "qualification.apply": _("Qualification application submitted"),
            "qualification.review": _("Qualification application reviewed"),
            "invitation.draw": _("Suppliers drawn at random and invited"),
            "qualification.notice_refused": _("Qualification notice refused"),
            "qualification.apply_refused": _("Qualification application refused"),
            "qualification.review_refused": _("Qualification review refused"),
            "invitation.draw_refused": _("Draw of the suppliers to invite refused"),
            # The steps the platform takes itself (services.projects._step: project.<to>).
            "project.opened": _("Project opened"),
            "project.evaluating": _("Project under evaluation"),
            "project.awarded": _("Project awarded"),
            "project.failed": _("Project failed"),
            # Refusals, recorded by core.refusals for every caller (the service's name).
            "budget.line_create_refused": _("Budget line refused"),
            "intention.publish_refused": _("Procurement intention refused"),
            "demand.override_finding_refused": _("Override of a fair-competition warning "
                                                 "refused"),
            "project.submit_refused": _("Submission for approval refused"),
            "project.return_refused": _("Return of the project refused"),
            "project.cancel_refused": _("Cancellation refused"),
            "project.retender_refused": _("Procuring the failed lots again refused"),
            "project.assign_assistant_refused": _("Naming the procurement assistant refused"),
            "announcement.clarify_refused": _("Clarification refused"),
            "documents.obtain_refused": _("Obtaining the procurement documents refused"),
            "bid.withdraw_refused": _("Withdrawal of a bid refused"),
            "lot.open_refused": _("Opening refused"),
            "committee.draw_refused": _("Drawing the evaluation committee refused"),
            "bid.review_refused": _("Review of a bid refused"),
            "score.submit_refused": _("Scores refused"),
            "bid.file_access_refused": _("Reading an opened bid's documents refused"),
            "evaluation.complete_refused": _("Evaluation report refused"),
            "explanation.request_refused": _("Request for an explanation refused"),
            "bid.query_answer_refused": _("Answer to the committee refused"),
            "bid.query_decide_refused": _("Decision on a bidder's answer refused"),
            "award.confirm_refused": _("Confirmation of the winner refused"),
            "award.revoke": _("Award revoked; result change announced"),
            "award.revoke_refused": _("Revocation of the award refused"),
            # The finance bureau's approval of methods; single source.
            "method_approval.request": _("Method referred to the finance bureau"),
            "method_approval.approve": _("Method approved by the finance bureau"),
            "method_approval.refuse": _("Method refused by the finance bureau"),
            "method_approval.decide_refused": _("Decision on a method refused"),
            "method_attachment.add": _("File added for the method"),
            "method_attachment.add_refused": _("File for the method refused"),
            "objection.file": _("Objection to a single source filed"),
            "objection.file_refused": _("Objection refused"),
            "objection.upheld": _("Objection upheld: the single source stops"),
            "objection.dismissed": _("Objection dismissed"),
            "objection.decide_refused": _("Decision on an objection refused"),
            "single_source.record": _("Negotiation record written"),
            "single_source.negotiate_refused": _("Negotiation record refused"),
            "single_source.sign": _("Negotiation record signed"),
            "single_source.sign_refused": _("Signature refused"),
            "single_source.report_refused": _("Report of the single source to the finance "
                                              "bureau refused"),
            "single_source.conclude": _("Negotiation concluded: the agreed price stands"),
        })
