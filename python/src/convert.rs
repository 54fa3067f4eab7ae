//! From the library's values to Python's: JSON documents (the `--json` shapes) to dicts and
//! lists, 256-bit numbers to Python ints.

use alloy::primitives::U256;
use pyo3::{
    prelude::*,
    types::{PyDict, PyList},
};
use serde_json::Value;

/// A JSON value as the Python value `json.loads` would give.
pub(crate) fn json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.into_pyobject(py)?.into_any(),
            (_, Some(i)) => i.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, json(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// Anything serializable, through its JSON.
pub(crate) fn serialized<'py, T: serde::Serialize>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let value = serde_json::to_value(value)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("cannot convert a result: {e}")))?;
    json(py, &value)
}

/// A 256-bit number as a Python int.
pub(crate) fn int<'py>(py: Python<'py>, value: U256) -> PyResult<Bound<'py, PyAny>> {
    match u128::try_from(value) {
        Ok(small) => Ok(small.into_pyobject(py)?.into_any()),
        Err(_) => py.import("builtins")?.getattr("int")?.call1((value.to_string(),)),
    }
}
