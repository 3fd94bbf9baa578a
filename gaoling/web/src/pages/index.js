// Page name (<body data-page>) -> its module.
import auction from "./auction.js";
import gallery from "./gallery.js";
import me from "./me.js";
import mint from "./mint.js";
import checkin from "./checkin.js";
import coupons from "./coupons.js";
import { campaign, crowdfundList } from "./crowdfund.js";
import custom from "./custom.js";
import staff from "./staff.js";
import piece from "./piece.js";
import quiz from "./quiz.js";
import { rememberReferrer } from "./referral.js";

rememberReferrer(); // on every page: a shared link may point anywhere

export const PAGES = { gallery, mint, piece, auction, me, checkin, coupons, custom, quiz, staff, crowdfund: crowdfundList, campaign };
