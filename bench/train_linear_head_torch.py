"""PyTorch peer of bench/trainLinearHead.bench.ts: trains nn.Linear(H, 1) + sigmoid with the same
recipe (MSE, AdamW wd 0.1, linear warm-up 10 % then decay, clip_grad_norm_ 1.0, batch 512,
reshuffled every epoch) on uniform random features and targets of the same shape, and prints
JSON timings. Batches are gathered by tensor indexing (X[idx]), the fastest idiomatic way; a
DataLoader over a TensorDataset would be far slower and flatter us.

Usage: train_linear_head_torch.py N H EPOCHS THREADS
"""
import json
import math
import os
import sys
import time

import torch


def main():
    n, h, epochs, threads = (int(v) for v in sys.argv[1:5])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    start = time.perf_counter()
    x = torch.empty(n, h)
    for begin in range(0, n, 8192):
        x[begin:begin + 8192].uniform_(-1, 1)
    t = torch.rand(n)
    generated = time.perf_counter() - start

    model = torch.nn.Linear(h, 1)
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
    batch = 512
    total = epochs * math.ceil(n / batch)
    warmup = math.ceil(total * 0.1)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: s / max(1, warmup) if s < warmup else max(0.0, (total - s) / max(1, total - warmup)))
    loss_fn = torch.nn.MSELoss()
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n)
        for begin in range(0, n, batch):
            rows = order[begin:begin + batch]
            optimiser.zero_grad(set_to_none=True)
            loss = loss_fn(torch.sigmoid(model(x[rows])).reshape(-1), t[rows])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            scheduler.step()
    trained = time.perf_counter() - start
    print(json.dumps({
        "n": n, "h": h, "epochs": epochs, "threads": torch.get_num_threads(), "generateSeconds": generated,
        "trainSeconds": trained, "finalLoss": float(loss), "torch": torch.__version__,
        # Debian's torch calls the system libblas.so.3; name the library it resolves to.
        "blas": os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3"),
    }))


if __name__ == "__main__":
    main()
