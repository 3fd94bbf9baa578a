export default async function custom() {}
