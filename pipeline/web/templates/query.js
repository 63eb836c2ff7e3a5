function kokoRun(form){var out=form.querySelector('.result');var q=form.querySelector('textarea').value;
 out.textContent='…';
 fetch(form.dataset.endpoint,{method:'POST',headers:{'Content-Type':'application/sparql-query','Accept':'application/sparql-results+json'},body:q})
 .then(function(r){if(!r.ok){return r.text().then(function(t){throw new Error(r.status+' '+t)})}return r.json()})
 .then(function(j){var t=document.createElement('table');var h=t.insertRow();
  if(j.boolean!==undefined){out.textContent=String(j.boolean);return}
  j.head.vars.forEach(function(v){var c=document.createElement('th');c.textContent=v;h.appendChild(c)});
  j.results.bindings.forEach(function(b){var r=t.insertRow();j.head.vars.forEach(function(v){
   var c=r.insertCell();if(b[v]){c.textContent=b[v].value}})});
  out.textContent='';out.appendChild(t);var n=document.createElement('p');
  n.className='rows';n.textContent=j.results.bindings.length+' rows';out.appendChild(n)})
 .catch(function(e){out.textContent=String(e)});return false}
(function(){var m=location.hash.match(/^#run-(.+)$/);var f=m&&document.getElementById('q-'+m[1]);if(f){kokoRun(f)}})();
