/**
 * The bare-framework baseline: Express 5 that parses the same JSON body and returns one fixed card.
 * Started as a child process by bench.ts; prints its port on stdout.
 */
import express from 'express';

const CARD = {
  cards: [
    {
      uuid: '6d1d8c59-3f1f-4b7a-9d59-1c1f2b4e9a10',
      summary: 'iTTP: no response by TPE day 5 and caplacizumab not started. Consider adding caplacizumab now.',
      indicator: 'warning',
      source: {
        label: 'ISTH guideline',
        url: 'https://doi.org/10.1111/jth.15010',
        topic: { system: 'urn:ttp-cds:rule', code: 'TTP-CAPLA-DAY5', display: 'Caplacizumab' },
      },
    },
  ],
};

const app = express();
app.use(express.json({ limit: '5mb' }));
app.post('/cds-services/:id', (req, res) => {
  if (!req.body || typeof req.body !== 'object') {
    res.status(400).end();
    return;
  }
  res.json(CARD);
});
const server = app.listen(0, '127.0.0.1', () => {
  const a = server.address();
  process.stdout.write(`${typeof a === 'object' && a ? a.port : 0}\n`);
});
