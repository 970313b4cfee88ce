"""Payment methods behind one small interface (see ``base.PaymentMethod``)."""
