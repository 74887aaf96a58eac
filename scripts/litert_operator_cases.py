#!/usr/bin/env python3
"""Runs LiteRT (builtin kernels, XNNPACK off, 1 thread) on every exported operator case and
writes the outputs, with the model/input hashes the Swift test checks, as one JSON file.

Usage: litert_operator_cases.py EXPORT_DIR OUTPUT_JSON
EXPORT_DIR holds one folder per case (model.tflite, input0.bin, ..., hashes.json), written by
`TINYSSD_EXPORT_OPERATOR_CASES=EXPORT_DIR swift test --filter OperatorCaseTests`.
"""
import base64, json, os, sys
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType
import ai_edge_litert

def run_case(folder):
    it = Interpreter(model_path=os.path.join(folder, 'model.tflite'),
                     experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES, num_threads=1)
    it.allocate_tensors()
    for i, d in enumerate(it.get_input_details()):
        data = np.fromfile(os.path.join(folder, 'input%d.bin' % i), dtype=np.dtype(d['dtype']).newbyteorder('<'))
        it.set_tensor(d['index'], data.reshape(d['shape']))
    it.invoke()
    outputs = []
    for d in it.get_output_details():
        v = np.ascontiguousarray(it.get_tensor(d['index'])).astype(np.dtype(d['dtype']).newbyteorder('<'))
        outputs.append({'dtype': np.dtype(d['dtype']).name, 'shape': [int(s) for s in v.shape],
                        'data': base64.b64encode(v.tobytes()).decode()})
    hashes = json.load(open(os.path.join(folder, 'hashes.json')))
    return {'model': hashes['model'], 'inputs': hashes['inputs'], 'outputs': outputs}

export_dir, output_json = sys.argv[1], sys.argv[2]
cases = {name: run_case(os.path.join(export_dir, name)) for name in sorted(os.listdir(export_dir))
         if os.path.isdir(os.path.join(export_dir, name))}
version = getattr(ai_edge_litert, '__version__', 'unknown')
with open(output_json, 'w') as f:
    json.dump({'litert': version, 'cases': cases}, f, indent=1, sort_keys=True)
    f.write('\n')
print('%d cases written to %s (LiteRT %s)' % (len(cases), output_json, version))
