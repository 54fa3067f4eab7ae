//! gradpay coordinator library.
