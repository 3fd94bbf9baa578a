export default async function coupons() {}
