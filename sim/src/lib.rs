//! gradpay simulator.
