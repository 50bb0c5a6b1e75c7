// A real SMPP 3.4 server on loopback for the SMS channel's tests (the npm package `smpp`).
//
//   node server.js --record FILE [--system-id ID --password PW] [--refuse STATUS,STATUS...]
//                  [--always STATUS] [--receipts] [--late-receipts]
//
// Listens on 127.0.0.1, on a free port it prints as "PORT <n>" once ready. Every submit_sm is
// appended to FILE as one JSON line (answered status, addresses, data coding, UDH in hex, text).
// --refuse answers the first submits with these statuses in turn (e.g. ESME_RTHROTTLED), then
// accepts; --always answers every submit with one status; --receipts sends a delivery receipt
// (deliver_sm, esm_class 4) for every accepted submit; --late-receipts holds each receipt back and sends
// it to the next session that binds (a receipt that arrives after the sender's session closed).
'use strict';
const fs = require('fs');
const smpp = require('smpp');

const args = {refuse: [], always: null, receipts: false, lateReceipts: false, record: null, systemId: 'mediation',
  password: 'secret'};
for (let i = 2; i < process.argv.length; i++) {
  const name = process.argv[i];
  if (name === '--record') args.record = process.argv[++i];
  else if (name === '--refuse') args.refuse = process.argv[++i].split(',').filter(Boolean);
  else if (name === '--always') args.always = process.argv[++i];
  else if (name === '--receipts') args.receipts = true;
  else if (name === '--late-receipts') args.lateReceipts = true;
  else if (name === '--system-id') args.systemId = process.argv[++i];
  else if (name === '--password') args.password = process.argv[++i];
  else { console.error('unknown argument ' + name); process.exit(2); }
}
if (!args.record) { console.error('--record FILE is required'); process.exit(2); }

function status(name) {
  if (!(name in smpp.errors)) { console.error('unknown status ' + name); process.exit(2); }
  return smpp.errors[name];
}
const refusals = args.refuse.map(status);
const always = args.always === null ? null : status(args.always);
let submits = 0;
let accepted = 0;
const held = [];  // --late-receipts: {session, receipt} not yet sent

function receiptFor(pdu, messageId) {
  return {
    source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, esm_class: 4,
    short_message: 'id:' + messageId + ' sub:001 dlvrd:001 submit date:2611071700 done date:2611071700 ' +
      'stat:DELIVRD err:000 text:',
    receipted_message_id: messageId, message_state: 2,
  };
}

const server = smpp.createServer({debug: false}, function (session) {
  session.on('error', function () {});
  function bind(pdu) {
    const ok = pdu.system_id === args.systemId && pdu.password === args.password;
    session.send(pdu.response({command_status: ok ? 0 : smpp.errors.ESME_RBINDFAIL, system_id: 'test-smsc'}));
    if (!ok) { session.close(); return; }
    // Receipts held back from earlier sessions reach this one.
    for (let i = held.length - 1; i >= 0; i--) {
      if (held[i].session !== session) { session.deliver_sm(held[i].receipt); held.splice(i, 1); }
    }
  }
  session.on('bind_transmitter', bind);
  session.on('bind_transceiver', bind);
  session.on('bind_receiver', bind);
  session.on('enquire_link', function (pdu) { session.send(pdu.response()); });
  session.on('unbind', function (pdu) { session.send(pdu.response()); session.close(); });
  session.on('deliver_sm_resp', function () {});
  session.on('submit_sm', function (pdu) {
    submits += 1;
    let answer = 0;
    if (always !== null) answer = always;
    else if (submits <= refusals.length) answer = refusals[submits - 1];
    const message = pdu.short_message || {};
    const udh = (message.udh || []).map(function (part) { return Buffer.from(part).toString('hex'); });
    const text = typeof message === 'string' ? message : (message.message || '');
    const messageId = answer === 0 ? 'm' + (++accepted) : '';
    fs.appendFileSync(args.record, JSON.stringify({
      status: answer, message_id: messageId, source_addr: pdu.source_addr,
      destination_addr: pdu.destination_addr, data_coding: pdu.data_coding, esm_class: pdu.esm_class,
      registered_delivery: pdu.registered_delivery, udh: udh, text: Buffer.isBuffer(text) ? text.toString('hex') : text,
    }) + '\n');
    session.send(pdu.response(answer === 0 ? {message_id: messageId} : {command_status: answer}));
    if (answer === 0 && args.lateReceipts && pdu.registered_delivery) {
      held.push({session: session, receipt: receiptFor(pdu, messageId)});
    } else if (answer === 0 && args.receipts && pdu.registered_delivery) {
      session.deliver_sm(receiptFor(pdu, messageId));
    }
  });
});

server.listen({host: '127.0.0.1', port: 0}, function () {
  process.stdout.write('PORT ' + server.address().port + '\n');
});
process.on('SIGTERM', function () { process.exit(0); });
