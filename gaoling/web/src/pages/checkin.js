export default async function checkin() {}
