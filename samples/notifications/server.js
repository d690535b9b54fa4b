'use strict';
// An ordinary Express app. Under Watt it gets PORT, and `fetch('http://orders.plt.local/')` reaches the
// in-process .NET "orders" service through the host's mesh (no code change, no service URL to configure).
const express = require('express');

const app = express();

app.get('/', async (req, res, next) => {
  try {
    const response = await fetch('http://orders.plt.local/');
    const orders = await response.json();
    res.json({
      service: 'notifications',
      worker: process.env.WATT_WORKER ?? null,
      pending: orders.map((o) => `Order ${o.id}: ${o.quantity} x ${o.product}`),
    });
  } catch (err) {
    next(err);
  }
});

app.get('/health', (req, res) => res.send('ok'));

const port = Number(process.env.PORT || 3000);
app.listen(port, process.env.HOST || '127.0.0.1', () => {
  console.log(JSON.stringify({ level: 30, msg: 'notifications listening', port }));
});
