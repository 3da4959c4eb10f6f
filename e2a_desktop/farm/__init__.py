"""The farm: job store, scheduler, coordinator HTTP app, advertiser."""
