"""Analytics: every event of the platform's contracts, indexed into SQL, and the studio's reports."""
