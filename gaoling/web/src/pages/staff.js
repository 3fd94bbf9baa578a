export default async function staff() {}
