export default async function me() {}
