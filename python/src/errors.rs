//! `gradpay.GradpayError` and one subclass per error kind (`unknownSession` →
//! `UnknownSessionError`), each with its `kind` as a class attribute, made from
//! `gradpay::Error::KINDS` when the module loads.

use std::{collections::HashMap, ffi::CString};

use pyo3::{create_exception, exceptions::PyException, prelude::*, sync::PyOnceLock, types::PyType};

create_exception!(
    gradpay,
    GradpayError,
    PyException,
    "A gradpay failure: `kind` names it, the message says the cause and the fix."
);

/// The subclass of each kind.
static CLASSES: PyOnceLock<HashMap<&'static str, Py<PyType>>> = PyOnceLock::new();

/// `unknownSession` → `UnknownSessionError`.
fn class_name(kind: &str) -> String {
    let mut chars = kind.chars();
    let first = chars.next().map(|c| c.to_ascii_uppercase()).into_iter();
    first.chain(chars).collect::<String>() + "Error"
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let base = py.get_type::<GradpayError>();
    base.setattr("kind", "gradpay")?;
    m.add("GradpayError", &base)?;
    let mut classes = HashMap::new();
    for &kind in gradpay::Error::KINDS {
        let name = class_name(kind);
        let qualified = CString::new(format!("gradpay.{name}"))?;
        let doc = CString::new(format!("gradpay error of kind `{kind}` (docs/json.md)."))?;
        let class = PyErr::new_type(py, &qualified, Some(&doc), Some(&base), None)?;
        class.bind(py).setattr("kind", kind)?;
        m.add(name.as_str(), class.bind(py))?;
        classes.insert(kind, class);
    }
    let _ = CLASSES.set(py, classes);
    Ok(())
}

/// The exception for `error`: its kind's class, the message as its argument.
pub(crate) fn to_py(error: &gradpay::Error) -> PyErr {
    Python::attach(|py| {
        let message = error.to_string();
        match CLASSES.get(py).and_then(|classes| classes.get(error.kind())) {
            Some(class) => PyErr::from_type(class.bind(py).clone(), (message,)),
            None => GradpayError::new_err(message),
        }
    })
}

/// Runs the library's `Result` into Python's.
pub(crate) trait IntoPy<T> {
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for gradpay::Result<T> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(|e| to_py(&e))
    }
}
