"""Planted copies for the similarity tests, written by hand.

Every copy disguises the catalogue's first right implementation (``RIGHT[key][0]``) of
two exercises of a chapter, the way a student who copied might:

- ``renamed``: every variable renamed;
- ``reordered``: independent lines swapped;
- ``restyled``: comments added or changed, spacing and line breaks changed;
- ``line added``: one line added (a print, a check, an intermediate name);
- ``all four``: all of the above at once.

The copier leaves the chapter's other solution cells as released (stubs).
"""

from __future__ import annotations

DISGUISES = ("renamed", "reordered", "restyled", "line added", "all four")

COPIES: dict[str, dict[str, dict[str, str]]] = {
    "02_logistic": {
        "renamed": {
            "compute_cost": '''
def compute_cost(A, Y):
    n_examples = Y.shape[1]
    P = np.clip(A, np.nextafter(0, 1), np.nextafter(1, 0))
    labels = Y.astype(float)
    total = -np.sum(np.multiply(labels, np.log(P)) + np.multiply(1 - labels, np.log(1 - P)))
    total = total / n_examples
    return float(np.squeeze(total))
''',
            "backward": '''
def backward(X, A, Y):
    count = X.shape[1]
    err = A - Y
    return {"dw": np.dot(X, err.T) / count, "db": float(np.sum(err) / count)}
''',
        },
        "reordered": {
            "compute_cost": '''
def compute_cost(A, Y):
    m = Y.shape[1]
    Y = Y.astype(float)
    A = np.clip(A, np.nextafter(0, 1), np.nextafter(1, 0))
    cost = -np.sum(np.multiply(1 - Y, np.log(1 - A)) + np.multiply(Y, np.log(A))) / m
    return float(np.squeeze(cost))
''',
            "backward": '''
def backward(X, A, Y):
    dZ = A - Y
    m = X.shape[1]
    return {"db": float(np.sum(dZ) / m), "dw": np.dot(X, dZ.T) / m}
''',
        },
        "restyled": {
            "compute_cost": '''
def compute_cost(A, Y):
    # number of examples
    m = Y.shape[1]
    # keep the logs finite
    A = np.clip(A, np.nextafter(0, 1),
                np.nextafter(1, 0))
    Y = Y.astype(float)
    # cross-entropy, averaged
    cost = -np.sum(np.multiply(Y, np.log(A))
                   + np.multiply(1 - Y, np.log(1 - A)))/m
    return float(np.squeeze(cost))
''',
            "backward": '''
def backward(X, A, Y):
    m = X.shape[1]   # examples
    dZ = A-Y         # dL/dZ
    return {'dw': np.dot(X, dZ.T)/m,
            'db': float(np.sum(dZ)/m)}
''',
        },
        "line added": {
            "compute_cost": '''
def compute_cost(A, Y):
    m = Y.shape[1]
    assert A.shape == Y.shape
    A = np.clip(A, np.nextafter(0, 1), np.nextafter(1, 0))
    Y = Y.astype(float)
    cost = -np.sum(np.multiply(Y, np.log(A)) + np.multiply(1 - Y, np.log(1 - A))) / m
    return float(np.squeeze(cost))
''',
            "backward": '''
def backward(X, A, Y):
    m = X.shape[1]
    dZ = A - Y
    assert dZ.shape == (1, m)
    return {"dw": np.dot(X, dZ.T) / m, "db": float(np.sum(dZ) / m)}
''',
        },
        "all four": {
            "compute_cost": '''
def compute_cost(A, Y):
    # how many examples there are
    k = Y.shape[1]
    labels = Y.astype(float)
    probs = np.clip(A, np.nextafter(0, 1), np.nextafter(1, 0))
    assert probs.shape == labels.shape
    total = -np.sum(np.multiply(1 - labels, np.log(1 - probs))
                    + np.multiply(labels, np.log(probs)))/k
    return float(np.squeeze(total))
''',
            "backward": '''
def backward(X, A, Y):
    delta = A-Y   # the error
    size = X.shape[1]
    print("examples:", size)
    return {'db': float(np.sum(delta)/size),
            'dw': np.dot(X, delta.T)/size}
''',
        },
    },
    "03_shallow": {
        "renamed": {
            "forward_propagation": '''
def forward_propagation(X, parameters):
    Wa, ba = parameters["W1"], parameters["b1"]
    Wb, bb = parameters["W2"], parameters["b2"]
    lin1 = np.dot(Wa, X) + ba
    hidden = np.tanh(lin1)
    lin2 = np.dot(Wb, hidden) + bb
    out = sigmoid(lin2)
    store = {"Z1": lin1, "A1": hidden, "Z2": lin2, "A2": out}
    return out, store
''',
            "backward_propagation": '''
def backward_propagation(parameters, cache, X, Y):
    n = X.shape[1]
    V = parameters["W2"]
    H, P = cache["A1"], cache["A2"]
    g2 = P - Y
    gV = np.dot(g2, H.T) / n
    gc = np.sum(g2, axis=1, keepdims=True) / n
    g1 = np.dot(V.T, g2) * (1 - np.power(H, 2))
    gU = np.dot(g1, X.T) / n
    gb = np.sum(g1, axis=1, keepdims=True) / n
    return {"dW1": gU, "db1": gb, "dW2": gV, "db2": gc}
''',
        },
        "reordered": {
            "forward_propagation": '''
def forward_propagation(X, parameters):
    W2, b2 = parameters["W2"], parameters["b2"]
    W1, b1 = parameters["W1"], parameters["b1"]
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = sigmoid(Z2)
    cache = {"A1": A1, "Z1": Z1, "A2": A2, "Z2": Z2}
    return A2, cache
''',
            "backward_propagation": '''
def backward_propagation(parameters, cache, X, Y):
    A1, A2 = cache["A1"], cache["A2"]
    W2 = parameters["W2"]
    m = X.shape[1]
    dZ2 = A2 - Y
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dW2 = np.dot(dZ2, A1.T) / m
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    dW1 = np.dot(dZ1, X.T) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
''',
        },
        "restyled": {
            "forward_propagation": '''
def forward_propagation(X, parameters):
    # unpack
    W1, b1 = parameters['W1'], parameters['b1']
    W2, b2 = parameters['W2'], parameters['b2']
    Z1 = np.dot(W1,X)+b1      # hidden layer
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2,A1)+b2     # output layer
    A2 = sigmoid(Z2)
    cache = {'Z1': Z1,
             'A1': A1,
             'Z2': Z2,
             'A2': A2}
    return A2, cache
''',
            "backward_propagation": '''
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters['W2']
    A1, A2 = cache['A1'], cache['A2']
    # output layer
    dZ2 = A2-Y
    dW2 = np.dot(dZ2, A1.T)/m
    db2 = np.sum(dZ2, axis=1, keepdims=True)/m
    # hidden layer: tanh' = 1 - A1^2
    dZ1 = np.dot(W2.T, dZ2)*(1-np.power(A1, 2))
    dW1 = np.dot(dZ1, X.T)/m
    db1 = np.sum(dZ1, axis=1, keepdims=True)/m
    return {'dW1': dW1, 'db1': db1, 'dW2': dW2, 'db2': db2}
''',
        },
        "line added": {
            "forward_propagation": '''
def forward_propagation(X, parameters):
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = sigmoid(Z2)
    assert A2.shape == (1, X.shape[1])
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache
''',
            "backward_propagation": '''
def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    g = 1 - np.power(A1, 2)
    dZ1 = np.dot(W2.T, dZ2) * g
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
''',
        },
        "all four": {
            "forward_propagation": '''
def forward_propagation(X, parameters):
    V, c = parameters['W2'], parameters['b2']   # output layer
    U, a = parameters['W1'], parameters['b1']   # hidden layer
    s1 = np.dot(U,X)+a
    h = np.tanh(s1)
    s2 = np.dot(V,h)+c
    y_hat = sigmoid(s2)
    print(y_hat.shape)
    keep = {'A1': h, 'Z1': s1, 'A2': y_hat, 'Z2': s2}
    return y_hat, keep
''',
            "backward_propagation": '''
def backward_propagation(parameters, cache, X, Y):
    H, P = cache['A1'], cache['A2']
    n = X.shape[1]
    V = parameters['W2']
    e2 = P-Y                       # output error
    gc = np.sum(e2, axis=1, keepdims=True)/n
    gV = np.dot(e2, H.T)/n
    e1 = np.dot(V.T, e2)*(1-np.power(H, 2))
    gb = np.sum(e1, axis=1, keepdims=True)/n
    gU = np.dot(e1, X.T)/n
    grads = {'dW1': gU, 'db1': gb, 'dW2': gV, 'db2': gc}
    return grads
''',
        },
    },
    "04_deep": {
        "renamed": {
            "linear_backward": '''
def linear_backward(dZ, cache):
    prev, weights, bias = cache
    count = prev.shape[1]
    grad_w = np.dot(dZ, prev.T) / count
    grad_b = np.sum(dZ, axis=1, keepdims=True) / count
    grad_prev = np.dot(weights.T, dZ)
    return grad_prev, grad_w, grad_b
''',
            "deep_backward": '''
def deep_backward(AL, Y, caches):
    g = {}
    depth = len(caches)
    Y = Y.reshape(AL.shape)
    dlast = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    cur = caches[depth - 1]
    da, dw, dbias = linear_activation_backward(dlast, cur, "sigmoid")
    g["dA" + str(depth - 1)] = da
    g["dW" + str(depth)] = dw
    g["db" + str(depth)] = dbias
    for j in reversed(range(depth - 1)):
        cur = caches[j]
        da, dw, dbias = linear_activation_backward(
            g["dA" + str(j + 1)], cur, "relu")
        g["dA" + str(j)] = da
        g["dW" + str(j + 1)] = dw
        g["db" + str(j + 1)] = dbias
    return g
''',
        },
        "reordered": {
            "linear_backward": '''
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dA_prev = np.dot(W.T, dZ)
    db = np.sum(dZ, axis=1, keepdims=True) / m
    dW = np.dot(dZ, A_prev.T) / m
    return dA_prev, dW, db
''',
            "deep_backward": '''
def deep_backward(AL, Y, caches):
    L = len(caches)
    grads = {}
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db
    grads["dA" + str(L - 1)] = dA_prev
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev, dW, db = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
        grads["dA" + str(l)] = dA_prev
    return grads
''',
        },
        "restyled": {
            "linear_backward": '''
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]   # batch size

    dW = np.dot(dZ,A_prev.T)/m
    db = np.sum(dZ,axis=1,keepdims=True)/m
    dA_prev = np.dot(W.T,dZ)
    return dA_prev, dW, db
''',
            "deep_backward": '''
def deep_backward(AL, Y, caches):
    grads = {}
    L = len(caches)  # number of layers
    Y = Y.reshape(AL.shape)
    # derivative of the cost with respect to AL
    dAL = -(np.divide(Y, AL)-np.divide(1-Y, 1-AL))
    current_cache = caches[L-1]
    dA_prev, dW, db = linear_activation_backward(dAL, current_cache, 'sigmoid')
    grads['dA'+str(L-1)] = dA_prev
    grads['dW'+str(L)] = dW
    grads['db'+str(L)] = db
    # hidden layers, from the last to the first
    for l in reversed(range(L-1)):
        current_cache = caches[l]
        dA_prev, dW, db = linear_activation_backward(grads['dA'+str(l+1)],
                                                     current_cache,
                                                     'relu')
        grads['dA'+str(l)] = dA_prev
        grads['dW'+str(l+1)] = dW
        grads['db'+str(l+1)] = db
    return grads
''',
        },
        "line added": {
            "linear_backward": '''
def linear_backward(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    assert db.shape == b.shape
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db
''',
            "deep_backward": '''
def deep_backward(AL, Y, caches):
    grads = {}
    L = len(caches)
    Y = Y.reshape(AL.shape)
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    current_cache = caches[L - 1]
    dA_prev, dW, db = linear_activation_backward(dAL, current_cache, "sigmoid")
    grads["dA" + str(L - 1)] = dA_prev
    grads["dW" + str(L)] = dW
    grads["db" + str(L)] = db
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev, dW, db = linear_activation_backward(
            grads["dA" + str(l + 1)], current_cache, "relu")
        grads["dA" + str(l)] = dA_prev
        grads["dW" + str(l + 1)] = dW
        grads["db" + str(l + 1)] = db
    print("layers:", L)
    return grads
''',
        },
        "all four": {
            "linear_backward": '''
def linear_backward(dZ, cache):
    a_in, weights, bias = cache
    batch = a_in.shape[1]          # examples in the batch
    grad_in = np.dot(weights.T,dZ)
    grad_w = np.dot(dZ,a_in.T)/batch
    grad_b = np.sum(dZ,axis=1,keepdims=True)/batch
    assert grad_b.shape == bias.shape
    return grad_in, grad_w, grad_b
''',
            "deep_backward": '''
def deep_backward(AL, Y, caches):
    n_layers = len(caches)
    out = {}
    Y = Y.reshape(AL.shape)
    # gradient of the loss at the output
    d_out = -(np.divide(Y, AL)-np.divide(1-Y, 1-AL))
    c = caches[n_layers-1]
    g_a, g_w, g_b = linear_activation_backward(d_out, c, 'sigmoid')
    out['dW'+str(n_layers)] = g_w
    out['dA'+str(n_layers-1)] = g_a
    out['db'+str(n_layers)] = g_b
    for i in reversed(range(n_layers-1)):
        c = caches[i]
        g_a, g_w, g_b = linear_activation_backward(out['dA'+str(i+1)], c, 'relu')
        out['dA'+str(i)] = g_a
        out['dW'+str(i+1)] = g_w
        out['db'+str(i+1)] = g_b
    print('done')
    return out
''',
        },
    },
}
